package io.github.llava4j.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a small but real LLaMA-style tokenizer (tokenizer.json in the Hugging Face {@code tokenizers} format, plus
 * tokenizer_config.json and special_tokens_map.json) for generated test and benchmark checkpoints.
 *
 * <p>Layout as LLaMA's: {@code <unk>}=0, {@code <s>}=1, {@code </s>}=2, the 256 byte-fallback pieces {@code <0x00>}..
 * {@code <0xFF>} at 3..258, then pieces and merges learned by a small deterministic BPE trainer from a built-in
 * corpus, then filler pieces up to the requested size (never produced by merges). Optionally {@code <image>} and
 * {@code <pad>} as added tokens at given ids, as llava-hf adds them. The normalizer is the legacy LLaMA fast
 * tokenizer's (Sequence[Prepend "▁", Replace " " to "▁"], no pre-tokenizer), the form transformers' LLaMA converter
 * wrote for Vicuna-era files; the decoder (Replace "▁" to " ", ByteFallback, Fuse, Strip one leading space) undoes
 * it; the post-processor adds {@code <s>} as {@code add_bos_token} does.
 */
public final class TokenizerJsonBuilder {
    static final String SPACE = "\u2581";
    private static final String CORPUS = String.join(" ",
            "A chat between a curious user and an artificial intelligence assistant.",
            "The assistant gives helpful, detailed, and polite answers to the user's questions.",
            "USER: What is in the image? ASSISTANT: The image shows a red circle and a blue square on a white"
                    + " background.",
            "There is a cat sitting on the table next to a cup of coffee. The rocket stands on the launch pad.",
            "Describe the image in detail. What colour is the object on the left? How many objects are there?",
            "The photo shows a person holding a camera in a park with trees and the sky in the background.",
            "Is the triangle to the left of the circle? Yes, the green triangle is left of the yellow circle.",
            "Human: Assistant: ### the of and to in is that it with as for on was this are be at by an");

    private final int vocabSize;
    private final Integer imageTokenId;
    private final Integer padTokenId;
    private final String corpus;

    private TokenizerJsonBuilder(int vocabSize, Integer imageTokenId, Integer padTokenId, String corpus) {
        this.vocabSize = vocabSize;
        this.imageTokenId = imageTokenId;
        this.padTokenId = padTokenId;
        this.corpus = corpus;
    }

    /**
     * @param vocabSize total ids including the added tokens (at least 259 + the added tokens)
     * @param imageTokenId id of {@code <image>}, or null for none
     * @param padTokenId id of {@code <pad>}, or null for none
     */
    public static TokenizerJsonBuilder of(int vocabSize, Integer imageTokenId, Integer padTokenId) {
        return of(vocabSize, imageTokenId, padTokenId, CORPUS);
    }

    private static TokenizerJsonBuilder of(int vocabSize, Integer imageTokenId, Integer padTokenId, String corpus) {
        if (corpus == null || corpus.isBlank()) {
            throw new IllegalArgumentException("the BPE training corpus must not be empty");
        }
        int reserved = 259 + 1 + (imageTokenId == null ? 0 : 1) + (padTokenId == null ? 0 : 1);
        if (vocabSize < reserved) {
            throw new IllegalArgumentException("vocabSize must be >= " + reserved + ", got " + vocabSize);
        }
        for (Integer id : new Integer[] {imageTokenId, padTokenId}) {
            if (id != null && (id < 259 || id >= vocabSize)) {
                throw new IllegalArgumentException("added token id " + id + " must be in [259, " + vocabSize + ")");
            }
        }
        if (imageTokenId != null && imageTokenId.equals(padTokenId)) {
            throw new IllegalArgumentException("<image> and <pad> need different ids, both are " + imageTokenId);
        }
        return new TokenizerJsonBuilder(vocabSize, imageTokenId, padTokenId, corpus);
    }

    /** A builder: {@code TokenizerJsonBuilder.builder().vocabSize(300).imageTokenId(299).build().write(dir)}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of {@link TokenizerJsonBuilder}; defaults: LLaMA's 32000 ids, no {@code <image>}, no {@code <pad>}. */
    public static final class Builder {
        private int vocabSize = 32000;
        private Integer imageTokenId;
        private Integer padTokenId;
        private String corpus = CORPUS;

        private Builder() {}

        /**
         * Text the BPE merges are learned from (default: a few built-in sentences). A model trained on a narrow
         * domain gets whole domain words as single pieces, and so much shorter sequences.
         */
        public Builder corpus(String corpus) {
            this.corpus = corpus;
            return this;
        }

        /** Total ids, added tokens included. */
        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /** Id of the {@code <image>} added token; must equal the model config's {@code image_token_index}. */
        public Builder imageTokenId(int imageTokenId) {
            this.imageTokenId = imageTokenId;
            return this;
        }

        public Builder padTokenId(int padTokenId) {
            this.padTokenId = padTokenId;
            return this;
        }

        public TokenizerJsonBuilder build() {
            return of(vocabSize, imageTokenId, padTokenId, corpus);
        }
    }

    /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into {@code dir}. */
    public void write(Path dir) {
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("tokenizer.json"), json.writeValueAsBytes(tokenizerJson(json)));
            ObjectNode config = json.createObjectNode();
            config.put("add_bos_token", true);
            config.put("add_eos_token", false);
            config.put("bos_token", "<s>");
            config.put("eos_token", "</s>");
            config.put("unk_token", "<unk>");
            if (padTokenId != null) {
                config.put("pad_token", "<pad>");
            }
            config.put("model_max_length", 4096);
            config.put("tokenizer_class", "LlamaTokenizer");
            writeAtomically(dir.resolve("tokenizer_config.json"), json.writeValueAsBytes(config));
            ObjectNode special = json.createObjectNode();
            special.put("bos_token", "<s>");
            special.put("eos_token", "</s>");
            special.put("unk_token", "<unk>");
            if (padTokenId != null) {
                special.put("pad_token", "<pad>");
            }
            writeAtomically(dir.resolve("special_tokens_map.json"), json.writeValueAsBytes(special));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer files to " + dir, e);
        }
    }

    private ObjectNode tokenizerJson(ObjectMapper json) {
        Map<Integer, String> added = new LinkedHashMap<>();
        added.put(0, "<unk>");
        added.put(1, "<s>");
        added.put(2, "</s>");
        if (imageTokenId != null) {
            added.put(imageTokenId, "<image>");
        }
        if (padTokenId != null) {
            added.put(padTokenId, "<pad>");
        }
        List<String> pieces = new ArrayList<>();
        List<String> merges = new ArrayList<>();
        learn(vocabSize - added.size() - 256, pieces, merges);

        ObjectNode vocab = json.createObjectNode();
        String[] byId = new String[vocabSize];
        added.forEach((id, content) -> byId[id] = content);
        for (int b = 0; b < 256; b++) {
            byId[3 + b] = String.format(Locale.ROOT, "<0x%02X>", b);
        }
        int next = 259;
        for (String piece : pieces) {
            while (byId[next] != null) {
                next++;
            }
            byId[next] = piece;
        }
        for (int id = 0; id < vocabSize; id++) {
            if (byId[id] == null) {
                byId[id] = SPACE + "filler" + id;
            }
            if (!added.containsKey(id) || id < 3) {
                vocab.put(byId[id], id);
            }
        }

        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode addedTokens = root.putArray("added_tokens");
        added.forEach((id, content) -> addedTokens.addObject()
                .put("id", id)
                .put("content", content)
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", true));
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode normalizers = normalizer.putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", SPACE);
        ObjectNode replace = normalizers.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        root.set("post_processor", bosTemplate(json));
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode unspace = decoders.addObject().put("type", "Replace");
        unspace.putObject("pattern").put("String", SPACE);
        unspace.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.set("vocab", vocab);
        ArrayNode mergeList = model.putArray("merges");
        merges.forEach(mergeList::add);
        return root;
    }

    /**
     * LLaMA's fast-tokenizer post-processor: {@code <s>} before each sequence, no {@code </s>} (add_bos_token true,
     * add_eos_token false). llava4j itself never lets the tokenizer add it (prompt builders place BOS), but a file
     * read by Python's transformers behaves as the real one.
     */
    private static ObjectNode bosTemplate(ObjectMapper json) {
        ObjectNode post = json.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add("<s>");
        return post;
    }

    /**
     * A tiny greedy BPE trainer: single characters by frequency ("▁" first), then the most frequent adjacent pair
     * of known pieces, repeatedly, until {@code budget} pieces exist or no pair occurs twice.
     */
    private void learn(int budget, List<String> pieces, List<String> merges) {
        String normalized = SPACE + corpus.replace(" ", SPACE);
        List<List<String>> words = new ArrayList<>();
        for (String word : normalized.split("(?=" + SPACE + ")")) {
            List<String> symbols = new ArrayList<>();
            word.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            words.add(symbols);
        }
        Map<String, Integer> charCounts = new HashMap<>();
        words.forEach(w -> w.forEach(s -> charCounts.merge(s, 1, Integer::sum)));
        List<String> alphabet = new ArrayList<>(charCounts.keySet());
        alphabet.sort((a, b) -> charCounts.get(b).equals(charCounts.get(a))
                ? a.compareTo(b)
                : charCounts.get(b) - charCounts.get(a));
        alphabet.remove(SPACE);
        alphabet.add(0, SPACE);
        // Keep room for merges: at most two thirds of a small budget goes to single characters.
        int letters = Math.min(alphabet.size(), Math.max(1, budget * 2 / 3));
        List<String> known = new ArrayList<>(alphabet.subList(0, Math.min(letters, budget)));
        pieces.addAll(known);
        java.util.Set<String> vocab = new java.util.HashSet<>(known);
        while (pieces.size() < budget) {
            Map<String, Integer> pairs = new LinkedHashMap<>();
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (vocab.contains(w.get(i)) && vocab.contains(w.get(i + 1))) {
                        pairs.merge(w.get(i) + " " + w.get(i + 1), 1, Integer::sum);
                    }
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> pair : pairs.entrySet()) {
                if (pair.getValue() > bestCount || (pair.getValue() == bestCount && best != null
                        && pair.getKey().compareTo(best) < 0)) {
                    best = pair.getKey();
                    bestCount = pair.getValue();
                }
            }
            if (best == null) {
                return;
            }
            String[] parts = best.split(" ");
            String merged = parts[0] + parts[1];
            merges.add(best);
            if (vocab.add(merged)) {
                pieces.add(merged);
            }
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(parts[0]) && w.get(i + 1).equals(parts[1])) {
                        w.set(i, merged);
                        w.remove(i + 1);
                    }
                }
            }
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
