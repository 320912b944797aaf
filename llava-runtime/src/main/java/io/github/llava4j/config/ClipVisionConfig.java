package io.github.llava4j.config;

/**
 * The CLIP vision tower of a LLaVA checkpoint ({@code vision_config} in config.json).
 *
 * <p>Only pre-LN CLIP ViTs with a {@code quick_gelu} (or exact {@code gelu}) MLP are supported.
 */
public record ClipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numChannels,
        int imageSize,
        int patchSize,
        double layerNormEps,
        String hiddenAct) {

    public ClipVisionConfig {
        Checks.positive("vision_config.hidden_size", hiddenSize);
        Checks.positive("vision_config.intermediate_size", intermediateSize);
        Checks.positive("vision_config.num_hidden_layers", numHiddenLayers);
        Checks.positive("vision_config.num_attention_heads", numAttentionHeads);
        Checks.positive("vision_config.num_channels", numChannels);
        Checks.positive("vision_config.image_size", imageSize);
        Checks.positive("vision_config.patch_size", patchSize);
        Checks.divides("vision_config.num_attention_heads", numAttentionHeads, "vision_config.hidden_size", hiddenSize);
        Checks.divides("vision_config.patch_size", patchSize, "vision_config.image_size", imageSize);
        Checks.positive("vision_config.layer_norm_eps", layerNormEps);
        Checks.oneOf("vision_config.hidden_act", hiddenAct, "quick_gelu", "gelu");
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Patches per side: image_size / patch_size (24 for CLIP ViT-L/14-336). */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Patch tokens per image, without CLS (576 for CLIP ViT-L/14-336). */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** Positions in the encoder: patches plus the CLS token. */
    public int numPositions() {
        return numPatches() + 1;
    }
}
