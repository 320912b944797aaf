package io.github.llava4j.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * One tiny checkpoint's golden outputs ({@code golden/<checkpoint>/golden.json}), written by the independent PyTorch
 * reference {@code tools/reference/llava_reference.py}; the checkpoint itself (config + safetensors) lies in
 * {@link #dir()}.
 *
 * <p>Arrays are plain Java arrays for convenient numeric comparison; these records are test fixtures, not values
 * to compare with {@code equals}.
 *
 * @param dir the checkpoint folder, which also holds golden.json
 * @param diskDtype safetensors dtype of every tensor: F32, F16 or BF16
 * @param tensorNaming {@code old} ({@code language_model.model.*}) or {@code new} ({@code model.language_model.*})
 * @param imageMode {@code pad} (LLaVA-1.5 expand2square) or {@code crop} (llava-hf CLIPImageProcessor)
 */
public record GoldenFixture(
        Path dir,
        int schemaVersion,
        String checkpoint,
        String diskDtype,
        String tensorNaming,
        List<String> weightFiles,
        int imageTokenIndex,
        int imageSeqLength,
        int vocabSize,
        String imageMode,
        int maxNewTokens,
        boolean stopAtEos,
        List<Case> cases) {

    /** Checkpoint folder names under the {@code golden} test resource folder. */
    public static final List<String> CHECKPOINTS = List.of("tiny-mlp2x", "tiny-gqa-bf16", "tiny-linear-tied");

    /** File name of the golden outputs inside each checkpoint folder. */
    public static final String GOLDEN_JSON = "golden.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One prompt run through the reference.
     *
     * @param inputIdsCompact one {@code image_token_index} per image
     * @param inputIdsExpanded each image token repeated {@code imageSeqLength} times (what the model consumes)
     * @param prefillLastLogits float32 logits of the last prompt position, full vocabulary
     * @param generatedIds greedy ids, {@code maxNewTokens} of them (the reference does not stop at EOS)
     * @param minMargin smallest gap between the best and second-best logit over all steps (parity headroom)
     */
    public record Case(
            String name,
            List<ImageInput> images,
            int[] inputIdsCompact,
            int[] inputIdsExpanded,
            float[] prefillLastLogits,
            int[] generatedIds,
            List<Step> steps,
            double minMargin,
            boolean eosGenerated) {}

    /**
     * A preprocessed image.
     *
     * @param file path relative to the {@code golden} folder, e.g. {@code images/wide_40x24.png}
     * @param shape {@code [3, H, W]}
     * @param pixelValues CHW float32 values, exactly as fed to the reference model
     */
    public record ImageInput(String file, String mode, int[] shape, float[] pixelValues, double pixelSum) {}

    /** One greedy step: the chosen id, its log-prob (float64 log_softmax over the full vocab) and the top 5. */
    public record Step(int id, double logprob, List<TopEntry> top5, double margin) {}

    /** A candidate id with its log-prob. */
    public record TopEntry(int id, double logprob) {}

    /** The {@code golden} test resource folder (holds {@code images/} and one folder per checkpoint). */
    public static Path root() {
        URL url = GoldenFixture.class.getResource("/golden");
        if (url == null) {
            throw new IllegalStateException("test resource folder /golden is missing from the classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource URL " + url, e);
        }
    }

    /** Loads {@code root()/<checkpoint>/golden.json}. */
    public static GoldenFixture load(String checkpoint) {
        return load(root().resolve(checkpoint));
    }

    /** Loads {@code dir/golden.json}. */
    public static GoldenFixture load(Path dir) {
        Path file = dir.resolve(GOLDEN_JSON);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonNode gen = required(file, root, "generation");
        return new GoldenFixture(
                dir,
                required(file, root, "schema_version").asInt(),
                required(file, root, "checkpoint").asText(),
                required(file, root, "disk_dtype").asText(),
                required(file, root, "tensor_naming").asText(),
                list(required(file, root, "weight_files"), JsonNode::asText),
                required(file, root, "image_token_index").asInt(),
                required(file, root, "image_seq_length").asInt(),
                required(file, root, "vocab_size").asInt(),
                required(file, root, "image_mode").asText(),
                required(file, gen, "max_new_tokens").asInt(),
                required(file, gen, "stop_at_eos").asBoolean(),
                list(required(file, root, "cases"), c -> parseCase(file, c)));
    }

    /** The case with this name; fails naming the available ones. */
    public Case caseNamed(String name) {
        return cases.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dir.resolve(GOLDEN_JSON) + ": no case '" + name
                        + "', have " + cases.stream().map(Case::name).toList()));
    }

    /** Absolute path of an image of a case. */
    public Path imagePath(ImageInput image) {
        return dir.getParent().resolve(image.file());
    }

    private static Case parseCase(Path file, JsonNode c) {
        return new Case(
                required(file, c, "name").asText(),
                list(required(file, c, "images"), i -> new ImageInput(
                        required(file, i, "file").asText(),
                        required(file, i, "mode").asText(),
                        ints(required(file, i, "shape")),
                        base64Floats(required(file, i, "pixel_values_f32_b64").asText()),
                        required(file, i, "pixel_sum").asDouble())),
                ints(required(file, c, "input_ids_compact")),
                ints(required(file, c, "input_ids_expanded")),
                floats(required(file, c, "prefill_last_logits")),
                ints(required(file, c, "generated_ids")),
                list(required(file, c, "steps"), s -> new Step(
                        required(file, s, "id").asInt(),
                        required(file, s, "logprob").asDouble(),
                        list(required(file, s, "top5"), t -> new TopEntry(t.get(0).asInt(), t.get(1).asDouble())),
                        required(file, s, "margin").asDouble())),
                required(file, c, "min_margin").asDouble(),
                required(file, c, "eos_generated").asBoolean());
    }

    private static JsonNode required(Path file, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalStateException(file + ": key '" + key + "' is missing in " + abbreviate(node));
        }
        return v;
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> f) {
        List<T> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(f.apply(n)));
        return List.copyOf(out);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static float[] base64Floats(String b64) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / Float.BYTES];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
