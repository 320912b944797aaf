package io.github.llava4j.finetune.masking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.data.Turn;
import io.github.llava4j.text.LlavaTokenizer;
import io.github.llava4j.text.TokenizerJsonBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The multi-turn samples of the mask fixture (every template) and the tiny tokenizer they are tokenized with. */
final class MaskFixtureCases {
    static final int VOCAB = 300;
    static final int IMAGE_TOKEN = 299;
    static final ObjectMapper JSON = new ObjectMapper();

    private MaskFixtureCases() {}

    /** The tokenizer of TinyCheckpoints (vocab 300, image token 299, pad = unk). */
    static LlavaTokenizer tokenizer(Path dir) {
        TokenizerJsonBuilder.of(VOCAB, IMAGE_TOKEN, null).write(dir);
        return LlavaTokenizer.load(dir);
    }

    /** {"template", "max_length", "non_legacy", "sample"} for each case. */
    static ArrayNode cases() {
        ArrayNode out = JSON.createArrayNode();
        // plain: image first, image in the middle (moved then replaced), truncated caption
        add(out, "plain", 512, false, sample("p1", true, "<image>\nDescribe the image briefly.", "A red cat on a mat."));
        add(out, "plain", 512, false, sample("p2", true, "Give a short caption <image> for this", "Two dogs play."));
        add(out, "plain", 6, false, sample("p3", true, "<image>", "A very long caption that will be cut."));
        // v1: image first (2 rounds), image in the middle (3 rounds), text-only, truncated (image / text-only),
        // non-legacy offsets
        add(out, "v1", 2048, false, sample("v1a", true, "<image>\nWhat is this?", "A cat.", "What color?", "Red."));
        add(out, "v1", 2048, false, sample("v1b", true, "Look at <image> and count.", "Three.", "Sure?", "Yes, 3.",
                "Thanks", "You're welcome!"));
        add(out, "v1", 2048, false, sample("v1c", false, "Hi there", "Hello! How can I help?", "Tell a joke.",
                "Why did the cat sit on the mouse? To keep an eye on it."));
        add(out, "v1", 200, false, sample("v1d", true, "<image>\nDescribe it in detail.", "It shows a long table.",
                "More?", "There are chairs and a lamp near the window."));
        add(out, "v1", 230, false, sample("v1f", false, "Hi there", "Hello! How can I help?", "Tell a joke.",
                "Why did the cat sit on the mouse? To keep an eye on it."));
        add(out, "v1", 2048, true, sample("v1e", true, "<image>\nQ one", "A one.", "Q two", "A two."));
        // v0: image first, image in the middle, text-only, truncated (image / text-only)
        add(out, "v0", 2048, false, sample("v0a", true, "<image>\nWhat is this?", "A cat.", "What color?", "Red."));
        add(out, "v0", 2048, false, sample("v0b", true, "Here <image> count them", "Three.", "Sure?", "Yes."));
        add(out, "v0", 2048, false, sample("v0c", false, "Hi", "Hello!", "Bye", "Goodbye."));
        add(out, "v0", 180, false, sample("v0d", true, "<image>\nDescribe.", "A table with chairs.", "And?",
                "A lamp near the window, and a plant."));
        add(out, "v0", 200, false, sample("v0e", false, "Hi", "Hello!", "Tell me a story about a lamp.",
                "Once upon a time there was a lamp near the window."));
        return out;
    }

    private static void add(ArrayNode out, String template, int maxLength, boolean nonLegacy, ObjectNode sample) {
        ObjectNode c = out.addObject();
        c.put("template", template);
        c.put("max_length", maxLength);
        c.put("non_legacy", nonLegacy);
        c.set("sample", sample);
    }

    private static ObjectNode sample(String id, boolean image, String... values) {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", id);
        if (image) {
            s.put("image", id + ".png");
        }
        ArrayNode conv = s.putArray("conversations");
        for (int i = 0; i < values.length; i++) {
            conv.addObject().put("from", i % 2 == 0 ? "human" : "gpt").put("value", values[i]);
        }
        return s;
    }

    static Sample toSample(JsonNode s) {
        List<Turn> turns = new ArrayList<>();
        s.path("conversations").forEach(t -> turns.add(new Turn(t.path("from").asText(), t.path("value").asText())));
        Optional<String> image = s.has("image") ? Optional.of(s.path("image").asText()) : Optional.empty();
        return new Sample(s.path("id").asText(), image, turns);
    }

    static LabelMasker masker(JsonNode c, TextEncoder encoder, LlavaTokenizer tok) {
        return new LabelMasker(Template.parse(c.path("template").asText()), encoder, tok.bosId(), tok.eosId(),
                tok.padId(), IMAGE_TOKEN, c.path("max_length").asInt(), c.path("non_legacy").asBoolean());
    }
}
