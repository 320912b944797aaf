package io.github.llava4j.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import io.github.llava4j.io.LlavaLoader;
import io.github.llava4j.io.MapTensorSource;
import io.github.llava4j.io.MapTensorSource.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random tiny LLaVA checkpoints (in memory, canonical names) for tests. */
public final class TinyLlava {
    public static final int IMAGE_TOKEN = 299;

    private TinyLlava() {}

    /** Vision 32 wide, 3 layers (2 run for layer -2), 28 px / 14 px patches = 4 patches; text 64 wide, GQA 4/2. */
    public static LlavaConfig config(FeatureSelect select, ProjectorType projector, boolean tied) {
        ClipVisionConfig vision = new ClipVisionConfig(32, 64, 3, 4, 3, 28, 14, 1e-5, "quick_gelu");
        LlamaTextConfig text = new LlamaTextConfig(64, 128, 2, 4, 2, 300, 128, 1e-5, 10000.0, 1, 2, tied);
        return new LlavaConfig(vision, text, projector, IMAGE_TOKEN, 0, -2, select, true);
    }

    public static LlavaConfig config() {
        return config(FeatureSelect.DEFAULT, ProjectorType.MLP2X_GELU, false);
    }

    /** Every tensor of a checkpoint for {@code config} (all vision layers and post_layernorm included). */
    public static Map<String, Tensor> weights(LlavaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        ClipVisionConfig v = config.vision();
        int dv = v.hiddenSize();
        String vp = "vision_tower.vision_model.";
        put(w, random, vp + "embeddings.patch_embedding.weight", 0.05f, 0f, dv, v.numChannels(), v.patchSize(),
                v.patchSize());
        put(w, random, vp + "embeddings.class_embedding", 0.5f, 0f, dv);
        put(w, random, vp + "embeddings.position_embedding.weight", 0.5f, 0f, v.numPositions(), dv);
        norm(w, random, vp + "pre_layrnorm", dv, true);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            String p = vp + "encoder.layers." + i + ".";
            for (String s : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                linear(w, random, p + "self_attn." + s, dv, dv, true);
            }
            linear(w, random, p + "mlp.fc1", v.intermediateSize(), dv, true);
            linear(w, random, p + "mlp.fc2", dv, v.intermediateSize(), true);
            norm(w, random, p + "layer_norm1", dv, true);
            norm(w, random, p + "layer_norm2", dv, true);
        }
        norm(w, random, vp + "post_layernorm", dv, true);
        int d = config.text().hiddenSize();
        linear(w, random, "multi_modal_projector.linear_1", d, dv, config.projectorBias());
        if (config.projectorType() == ProjectorType.MLP2X_GELU) {
            linear(w, random, "multi_modal_projector.linear_2", d, d, config.projectorBias());
        }
        LlamaTextConfig t = config.text();
        String tp = "language_model.model.";
        put(w, random, tp + "embed_tokens.weight", 0.5f, 0f, t.vocabSize(), d);
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String p = tp + "layers." + i + ".";
            linear(w, random, p + "self_attn.q_proj", d, d, false);
            linear(w, random, p + "self_attn.k_proj", t.kvDim(), d, false);
            linear(w, random, p + "self_attn.v_proj", t.kvDim(), d, false);
            linear(w, random, p + "self_attn.o_proj", d, d, false);
            linear(w, random, p + "mlp.gate_proj", t.intermediateSize(), d, false);
            linear(w, random, p + "mlp.up_proj", t.intermediateSize(), d, false);
            linear(w, random, p + "mlp.down_proj", d, t.intermediateSize(), false);
            norm(w, random, p + "input_layernorm", d, false);
            norm(w, random, p + "post_attention_layernorm", d, false);
        }
        norm(w, random, tp + "norm", d, false);
        if (!t.tieWordEmbeddings()) {
            put(w, random, "language_model.lm_head.weight", 0.2f, 0f, t.vocabSize(), d);
        }
        return w;
    }

    public static LlavaModel load(LlavaConfig config, long seed, DataType dtype) {
        return LlavaLoader.load(new MapTensorSource(weights(config, seed)), config, dtype, Device.cpu());
    }

    private static void linear(Map<String, Tensor> w, Random r, String prefix, int out, int in, boolean bias) {
        put(w, r, prefix + ".weight", (float) (1.0 / Math.sqrt(in)), 0f, out, in);
        if (bias) {
            put(w, r, prefix + ".bias", 0.05f, 0f, out);
        }
    }

    private static void norm(Map<String, Tensor> w, Random r, String prefix, int d, boolean bias) {
        put(w, r, prefix + ".weight", 0.1f, 1f, d);
        if (bias) {
            put(w, r, prefix + ".bias", 0.1f, 0f, d);
        }
    }

    static void put(Map<String, Tensor> w, Random r, String name, float scale, float offset, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = offset + scale * (float) r.nextGaussian();
        }
        w.put(name, new Tensor(values, shape));
    }
}
