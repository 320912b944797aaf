package io.github.llava4j.config;

import java.util.Objects;

/**
 * A whole LLaVA checkpoint's architecture (config.json of the llava-hf layout).
 *
 * @param visionFeatureLayer index into CLIP's hidden-state tuple (0 = embeddings after pre-LN, k = output of encoder
 *     layer k; negative counts from the end, so -2 is the output of the second-to-last layer)
 */
public record LlavaConfig(
        ClipVisionConfig vision,
        LlamaTextConfig text,
        ProjectorType projectorType,
        int imageTokenIndex,
        int padTokenId,
        int visionFeatureLayer,
        FeatureSelect featureSelect,
        boolean projectorBias) {

    public LlavaConfig {
        Objects.requireNonNull(vision, "vision_config");
        Objects.requireNonNull(text, "text_config");
        Objects.requireNonNull(projectorType, "projector type");
        Objects.requireNonNull(featureSelect, "vision_feature_select_strategy");
        int states = vision.numHiddenLayers() + 1;
        if (visionFeatureLayer >= states || visionFeatureLayer < -states) {
            throw new ConfigException("config.json: vision_feature_layer " + visionFeatureLayer
                    + " is outside the " + states + " hidden states of a " + vision.numHiddenLayers()
                    + "-layer vision tower");
        }
        if (imageTokenIndex < 0) {
            throw new ConfigException("config.json: image_token_index must be >= 0, got " + imageTokenIndex);
        }
    }

    /** Encoder layers that must run to produce the selected hidden state (23 of 24 for layer -2). */
    public int visionLayersToRun() {
        return visionFeatureLayer >= 0 ? visionFeatureLayer : vision.numHiddenLayers() + 1 + visionFeatureLayer;
    }

    /** Embedding rows one image occupies in the decoder's sequence (576 for llava-1.5). */
    public int imageSeqLength() {
        return vision.numPatches() + (featureSelect == FeatureSelect.FULL ? 1 : 0);
    }
}
