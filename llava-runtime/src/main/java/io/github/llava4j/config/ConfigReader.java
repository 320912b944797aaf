package io.github.llava4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The only class that knows the JSON keys of config.json, preprocessor_config.json and generation_config.json.
 *
 * <p>Absent keys take the defaults of the corresponding transformers config classes (LlavaConfig,
 * CLIPVisionConfig, LlamaConfig, CLIPImageProcessor), because llava-hf files only write non-default values.
 */
public final class ConfigReader {
    public static final String CONFIG_JSON = "config.json";
    public static final String PREPROCESSOR_JSON = "preprocessor_config.json";
    public static final String GENERATION_JSON = "generation_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigReader() {}

    /** Reads {@code dir/config.json}. */
    public static LlavaConfig readLlavaConfig(Path dir) {
        Path file = dir.resolve(CONFIG_JSON);
        JsonNode root = readJson(file);
        String modelType = root.path("model_type").asText("");
        if (!modelType.equals("llava")) {
            String hint = modelType.equals("llava_llama")
                    ? " (an original haotian-liu checkpoint: convert it to the llava-hf layout with transformers'"
                            + " convert_llava_weights_to_hf.py)"
                    : "";
            throw new ConfigException(file + ": model_type '" + modelType + "' is not supported, expected 'llava'"
                    + hint);
        }
        JsonNode visionNode = root.path("vision_config");
        JsonNode textNode = root.path("text_config");
        if (!textNode.isObject()) {
            throw new ConfigException(file + ": text_config is missing");
        }
        ClipVisionConfig vision = visionNode.isObject() ? readVision(file, visionNode) : clipL336();
        LlamaTextConfig text = readText(file, textNode, root);
        ProjectorType projector = ProjectorType.parse(
                file + ": mm_projector_type",
                root.has("mm_projector_type")
                        ? root.get("mm_projector_type").asText()
                        : root.path("projector_type").asText("mlp2x_gelu"));
        String act = root.path("projector_hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ConfigException(file + ": projector_hidden_act '" + act
                    + "' is not supported, expected 'gelu' (exact erf GELU as in LLaVA-1.5)");
        }
        int imageToken = root.has("image_token_index")
                ? root.get("image_token_index").asInt()
                : root.path("image_token_id").asInt(32000);
        JsonNode layer = root.path("vision_feature_layer");
        if (layer.isArray()) {
            throw new ConfigException(file + ": vision_feature_layer as a list of layers is not supported");
        }
        try {
            return new LlavaConfig(
                    vision,
                    text,
                    projector,
                    imageToken,
                    root.path("pad_token_id").asInt(textNode.path("pad_token_id").asInt(-1)),
                    layer.asInt(-2),
                    FeatureSelect.parse(
                            "vision_feature_select_strategy",
                            root.path("vision_feature_select_strategy").asText("default")),
                    root.path("multimodal_projector_bias").asBoolean(true));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    private static ClipVisionConfig readVision(Path file, JsonNode v) {
        try {
            return new ClipVisionConfig(
                    v.path("hidden_size").asInt(768),
                    v.path("intermediate_size").asInt(3072),
                    v.path("num_hidden_layers").asInt(12),
                    v.path("num_attention_heads").asInt(12),
                    v.path("num_channels").asInt(3),
                    v.path("image_size").asInt(224),
                    v.path("patch_size").asInt(32),
                    v.path("layer_norm_eps").asDouble(1e-5),
                    v.path("hidden_act").asText("quick_gelu"));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /** LlavaConfig synthesises CLIP ViT-L/14-336 when vision_config is absent. */
    private static ClipVisionConfig clipL336() {
        return new ClipVisionConfig(1024, 4096, 24, 16, 3, 336, 14, 1e-5, "quick_gelu");
    }

    private static LlamaTextConfig readText(Path file, JsonNode t, JsonNode root) {
        String type = t.path("model_type").asText("llama");
        if (!type.equals("llama")) {
            throw new ConfigException(file + ": text_config.model_type '" + type
                    + "' is not supported, expected 'llama'");
        }
        int hidden = t.path("hidden_size").asInt(4096);
        int heads = t.path("num_attention_heads").asInt(32);
        if (t.has("head_dim") && !t.get("head_dim").isNull() && t.get("head_dim").asInt() != hidden / heads) {
            throw new ConfigException(file + ": text_config.head_dim " + t.get("head_dim").asInt()
                    + " differs from hidden_size/num_attention_heads = " + hidden / heads + "; not supported");
        }
        JsonNode scaling = t.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            throw new ConfigException(file + ": text_config.rope_scaling is not supported (got " + scaling + ")");
        }
        double theta = t.has("rope_theta")
                ? t.get("rope_theta").asDouble()
                : t.path("rope_parameters").path("rope_theta").asDouble(10000.0);
        try {
            return new LlamaTextConfig(
                    hidden,
                    t.path("intermediate_size").asInt(11008),
                    t.path("num_hidden_layers").asInt(32),
                    heads,
                    t.path("num_key_value_heads").asInt(heads),
                    t.path("vocab_size").asInt(root.path("vocab_size").asInt(32000)),
                    t.path("max_position_embeddings").asInt(2048),
                    t.path("rms_norm_eps").asDouble(1e-6),
                    theta,
                    t.path("bos_token_id").asInt(1),
                    t.path("eos_token_id").asInt(2),
                    root.path("tie_word_embeddings").asBoolean(t.path("tie_word_embeddings").asBoolean(false)));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /**
     * Reads {@code dir/preprocessor_config.json}; a missing file means CLIP defaults for the tower's image size.
     * LLaVA-1.5's pad mode is the default whatever the file says, because llava-hf's processor does not pad.
     */
    public static PreprocessorConfig readPreprocessorConfig(Path dir, int visionImageSize) {
        Path file = dir.resolve(PREPROCESSOR_JSON);
        if (!Files.exists(file)) {
            return PreprocessorConfig.clipDefaults(visionImageSize);
        }
        JsonNode p = readJson(file);
        JsonNode size = p.path("size");
        int shortest = size.isInt() ? size.asInt() : size.path("shortest_edge").asInt(visionImageSize);
        JsonNode crop = p.path("crop_size");
        int cropH = crop.isInt() ? crop.asInt() : crop.path("height").asInt(visionImageSize);
        int cropW = crop.isInt() ? crop.asInt() : crop.path("width").asInt(visionImageSize);
        try {
            return new PreprocessorConfig(
                    p.path("do_pad").asBoolean(true) ? ImageMode.PAD : ImageMode.CROP,
                    p.path("do_resize").asBoolean(true),
                    shortest,
                    p.path("resample").asInt(PreprocessorConfig.PIL_BICUBIC),
                    p.path("do_center_crop").asBoolean(true),
                    cropH,
                    cropW,
                    p.path("do_rescale").asBoolean(true),
                    p.path("rescale_factor").asDouble(1.0 / 255.0),
                    p.path("do_normalize").asBoolean(true),
                    doubles(file, p, "image_mean", List.of(0.48145466, 0.4578275, 0.40821073)),
                    doubles(file, p, "image_std", List.of(0.26862954, 0.26130258, 0.27577711)));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /** Reads {@code dir/generation_config.json}, falling back to the text config's BOS/EOS ids. */
    public static GenerationDefaults readGenerationDefaults(Path dir, LlavaConfig config) {
        Path file = dir.resolve(GENERATION_JSON);
        JsonNode g = Files.exists(file) ? readJson(file) : JSON.createObjectNode();
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = g.path("eos_token_id");
        if (eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else {
            eos.add(eosNode.asInt(config.text().eosTokenId()));
        }
        return new GenerationDefaults(
                g.path("bos_token_id").asInt(config.text().bosTokenId()),
                eos,
                g.path("pad_token_id").asInt(config.padTokenId()));
    }

    private static List<Double> doubles(Path file, JsonNode p, String key, List<Double> fallback) {
        JsonNode n = p.path(key);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isArray()) {
            throw new ConfigException(file + ": " + key + " must be a list of numbers, got " + n);
        }
        List<Double> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    static JsonNode readJson(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ConfigException(file + ": expected a JSON object");
            }
            return node;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
    }
}
