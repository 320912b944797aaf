package io.github.llava4j.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes config.json, preprocessor_config.json and generation_config.json in the llava-hf layout, with the keys
 * {@link ConfigReader} reads (the two classes are tested together so they agree).
 */
public final class ConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigWriter() {}

    /** Writes {@code dir/config.json}. */
    public static void writeLlavaConfig(Path dir, LlavaConfig config) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model_type", "llava");
        root.putArray("architectures").add("LlavaForConditionalGeneration");
        root.put("image_token_index", config.imageTokenIndex());
        root.put("pad_token_id", config.padTokenId());
        root.put("mm_projector_type", config.projectorType().configName());
        root.put("projector_hidden_act", "gelu");
        root.put("multimodal_projector_bias", config.projectorBias());
        root.put("vision_feature_layer", config.visionFeatureLayer());
        root.put("vision_feature_select_strategy",
                config.featureSelect() == FeatureSelect.FULL ? "full" : "default");
        root.put("tie_word_embeddings", config.text().tieWordEmbeddings());
        ClipVisionConfig v = config.vision();
        ObjectNode vision = root.putObject("vision_config");
        vision.put("model_type", "clip_vision_model");
        vision.put("hidden_size", v.hiddenSize());
        vision.put("intermediate_size", v.intermediateSize());
        vision.put("num_hidden_layers", v.numHiddenLayers());
        vision.put("num_attention_heads", v.numAttentionHeads());
        vision.put("num_channels", v.numChannels());
        vision.put("image_size", v.imageSize());
        vision.put("patch_size", v.patchSize());
        vision.put("layer_norm_eps", v.layerNormEps());
        vision.put("hidden_act", v.hiddenAct());
        LlamaTextConfig t = config.text();
        ObjectNode text = root.putObject("text_config");
        text.put("model_type", "llama");
        text.put("hidden_size", t.hiddenSize());
        text.put("intermediate_size", t.intermediateSize());
        text.put("num_hidden_layers", t.numHiddenLayers());
        text.put("num_attention_heads", t.numAttentionHeads());
        text.put("num_key_value_heads", t.numKeyValueHeads());
        text.put("vocab_size", t.vocabSize());
        text.put("max_position_embeddings", t.maxPositionEmbeddings());
        text.put("rms_norm_eps", t.rmsNormEps());
        text.put("rope_theta", t.ropeTheta());
        text.put("bos_token_id", t.bosTokenId());
        text.put("eos_token_id", t.eosTokenId());
        text.put("tie_word_embeddings", t.tieWordEmbeddings());
        root.put("vocab_size", t.vocabSize());
        write(dir.resolve(ConfigReader.CONFIG_JSON), root);
    }

    /** Writes {@code dir/preprocessor_config.json} (CLIPImageProcessor keys plus {@code do_pad} for the mode). */
    public static void writePreprocessorConfig(Path dir, PreprocessorConfig p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("image_processor_type", "CLIPImageProcessor");
        root.put("do_pad", p.mode() == ImageMode.PAD);
        root.put("do_resize", p.doResize());
        root.putObject("size").put("shortest_edge", p.shortestEdge());
        root.put("resample", p.resample());
        root.put("do_center_crop", p.doCenterCrop());
        root.putObject("crop_size").put("height", p.cropHeight()).put("width", p.cropWidth());
        root.put("do_rescale", p.doRescale());
        root.put("rescale_factor", p.rescaleFactor());
        root.put("do_normalize", p.doNormalize());
        ArrayNode mean = root.putArray("image_mean");
        p.mean().forEach(mean::add);
        ArrayNode std = root.putArray("image_std");
        p.std().forEach(std::add);
        write(dir.resolve(ConfigReader.PREPROCESSOR_JSON), root);
    }

    /** Writes {@code dir/generation_config.json}; a single EOS id is written as a number, several as a list. */
    public static void writeGenerationDefaults(Path dir, GenerationDefaults g) {
        ObjectNode root = JSON.createObjectNode();
        root.put("bos_token_id", g.bosTokenId());
        if (g.eosTokenIds().size() == 1) {
            root.put("eos_token_id", g.eosTokenIds().get(0));
        } else {
            ArrayNode eos = root.putArray("eos_token_id");
            g.eosTokenIds().forEach(eos::add);
        }
        root.put("pad_token_id", g.padTokenId());
        write(dir.resolve(ConfigReader.GENERATION_JSON), root);
    }

    private static void write(Path file, ObjectNode root) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
