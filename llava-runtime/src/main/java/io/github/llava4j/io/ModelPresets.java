package io.github.llava4j.io;

import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;

/** Architectures to generate random checkpoints for: a tiny one for tests and the shapes of real models. */
public final class ModelPresets {
    private ModelPresets() {}

    /**
     * A tiny LLaVA for tests: CLIP 32 wide, 3 layers, 4 heads, 28 px images of 14 px patches (4 patches); LLaMA 64
     * wide, 2 layers, 4 heads with 2 KV heads, intermediate 128, vocab 300 (image token 299), mlp2x_gelu projector.
     */
    public static LlavaConfig tiny() {
        ClipVisionConfig vision = new ClipVisionConfig(32, 64, 3, 4, 3, 28, 14, 1e-5, "quick_gelu");
        LlamaTextConfig text = new LlamaTextConfig(64, 128, 2, 4, 2, 300, 1024, 1e-5, 10000.0, 1, 2, false);
        return new LlavaConfig(vision, text, ProjectorType.MLP2X_GELU, 299, 0, -2, FeatureSelect.DEFAULT, true);
    }

    /** CLIP ViT-L/14-336 as LLaVA-1.5 uses it. */
    public static ClipVisionConfig clipVitL14_336() {
        return new ClipVisionConfig(1024, 4096, 24, 16, 3, 336, 14, 1e-5, "quick_gelu");
    }

    /** llava-hf/llava-1.5-7b-hf: CLIP ViT-L/14-336 + Vicuna-7B (vocab 32064, image token 32000). */
    public static LlavaConfig llava15_7b() {
        LlamaTextConfig text = new LlamaTextConfig(4096, 11008, 32, 32, 32, 32064, 4096, 1e-5, 10000.0, 1, 2, false);
        return new LlavaConfig(clipVitL14_336(), text, ProjectorType.MLP2X_GELU, 32000, 32001, -2,
                FeatureSelect.DEFAULT, true);
    }

    /**
     * CLIP ViT-L/14-336 + the TinyLlama-1.1B decoder (2048 wide, 22 layers, 32 heads with 4 KV heads, intermediate
     * 5632, vocab 32000). The image token is the last vocabulary id, since the vocabulary is not extended.
     */
    public static LlavaConfig tinyLlava1_1b() {
        LlamaTextConfig text = new LlamaTextConfig(2048, 5632, 22, 32, 4, 32000, 2048, 1e-5, 10000.0, 1, 2, false);
        return new LlavaConfig(clipVitL14_336(), text, ProjectorType.MLP2X_GELU, 31999, 0, -2,
                FeatureSelect.DEFAULT, true);
    }
}
