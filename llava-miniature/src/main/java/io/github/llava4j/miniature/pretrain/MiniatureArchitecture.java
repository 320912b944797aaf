package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;

/**
 * The shape of the miniature LLaVA: a small CLIP ViT, an mlp2x_gelu projector and a small LLaMA. The vocabulary size
 * is not part of it: it comes from the tokenizer learned on the world's text ({@link #toLlavaConfig(int)}), whose last
 * id is {@code <image>}.
 *
 * @param imageSize CLIP input side in pixels
 * @param patchSize CLIP patch side; the image is {@code (imageSize / patchSize)²} patches
 * @param visionFeatureLayer the CLIP hidden state LLaVA reads (negative counts from the end)
 */
public record MiniatureArchitecture(
        int imageSize,
        int patchSize,
        int visionHidden,
        int visionLayers,
        int visionHeads,
        int visionIntermediate,
        int visionFeatureLayer,
        ProjectorType projector,
        int textHidden,
        int textLayers,
        int textHeads,
        int textKvHeads,
        int textIntermediate,
        int maxPositions,
        double ropeTheta) {

    public MiniatureArchitecture {
        // the record constructors of the runtime check the rest when the config is built
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("imageSize " + imageSize + " must be a positive multiple of patchSize "
                    + patchSize);
        }
    }

    /**
     * The default: 64 px images of 16 px patches (16 patches, so a small object is one visual token: see
     * docs/miniature.md, change 7); CLIP 64 wide, 3 layers (feature layer -2), 4
     * heads, intermediate 128; LLaMA 128 wide, 4 layers, 4 heads (4 KV heads), intermediate 256, 1024 positions (64
     * image rows + a long multi-turn conversation), rope theta 10000.
     */
    public static MiniatureArchitecture defaults() {
        return new MiniatureArchitecture(64, 16, 64, 3, 4, 128, -2, ProjectorType.MLP2X_GELU, 128, 4, 4, 4, 256, 1024,
                10000.0);
    }

    /** A smaller one for tests: 32 px images of 8 px patches, 2-layer CLIP 32 wide, 2-layer LLaMA 64 wide. */
    public static MiniatureArchitecture tiny() {
        return new MiniatureArchitecture(32, 8, 32, 2, 2, 64, -1, ProjectorType.MLP2X_GELU, 64, 2, 4, 4, 128, 256,
                10000.0);
    }

    /** Patches per image (= the LLaVA image sequence length: CLS is dropped). */
    public int numPatches() {
        int grid = imageSize / patchSize;
        return grid * grid;
    }

    /**
     * The llava-hf architecture for a tokenizer of {@code vocabSize} ids: {@code <image>} is id {@code vocabSize - 1},
     * LLaMA's BOS 1 and EOS 2, no pad token of its own ({@code <unk>} 0, as original LLaVA pads), untied embeddings.
     */
    public LlavaConfig toLlavaConfig(int vocabSize) {
        ClipVisionConfig vision = new ClipVisionConfig(visionHidden, visionIntermediate, visionLayers, visionHeads, 3,
                imageSize, patchSize, 1e-5, "quick_gelu");
        LlamaTextConfig text = new LlamaTextConfig(textHidden, textIntermediate, textLayers, textHeads, textKvHeads,
                vocabSize, maxPositions, 1e-5, ropeTheta, 1, 2, false);
        return new LlavaConfig(vision, text, projector, vocabSize - 1, 0, visionFeatureLayer, FeatureSelect.DEFAULT,
                true);
    }
}
