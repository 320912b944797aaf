package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** One pre-LN CLIP encoder layer: {@code h += attn(ln1(h)); h += mlp(ln2(h))}. */
public final class ClipEncoderLayer {
    private final LayerNorm norm1;
    private final ClipAttention attention;
    private final LayerNorm norm2;
    private final ClipMlp mlp;

    public ClipEncoderLayer(LayerNorm norm1, ClipAttention attention, LayerNorm norm2, ClipMlp mlp) {
        this.norm1 = norm1;
        this.attention = attention;
        this.norm2 = norm2;
        this.mlp = mlp;
    }

    /** {@code [N, P, D]} to {@code [N, P, D]}. */
    public NDArray forward(NDArray h) {
        NDArray afterAttention;
        try (NDArray a = norm1.forward(h);
                NDArray attended = attention.forward(a)) {
            afterAttention = h.add(attended);
        }
        try (NDArray m = norm2.forward(afterAttention);
                NDArray mlpOut = mlp.forward(m)) {
            // a new array, not addi: afterAttention is saved by the norm for backward when training
            return afterAttention.add(mlpOut);
        } finally {
            afterAttention.close();
        }
    }
}
