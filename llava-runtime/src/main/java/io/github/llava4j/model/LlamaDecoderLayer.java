package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** One pre-norm LLaMA layer: {@code h += attn(rms_in(h)); h += mlp(rms_post(h))}. */
public final class LlamaDecoderLayer {
    private final RmsNorm inputNorm;
    private final LlamaAttention attention;
    private final RmsNorm postAttentionNorm;
    private final LlamaMlp mlp;

    public LlamaDecoderLayer(RmsNorm inputNorm, LlamaAttention attention, RmsNorm postAttentionNorm, LlamaMlp mlp) {
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    /** {@code [T, D]} to {@code [T, D]}; see {@link LlamaAttention#forward} for the other arguments. */
    public NDArray forward(NDArray h, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer) {
        NDArray afterAttention;
        try (NDArray a = inputNorm.forward(h);
                NDArray attended = attention.forward(a, cos, sin, mask, cache, layer)) {
            afterAttention = h.add(attended);
        }
        try (NDArray m = postAttentionNorm.forward(afterAttention);
                NDArray mlpOut = mlp.forward(m)) {
            // a new array, not addi: afterAttention is saved by the norm for backward when training
            return afterAttention.add(mlpOut);
        } finally {
            afterAttention.close();
        }
    }
}
