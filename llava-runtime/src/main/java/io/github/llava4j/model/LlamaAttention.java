package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/**
 * LLaMA self-attention with rotary positions, grouped-query K/V heads and a KV cache.
 *
 * <p>q/k/v/o projections have no bias. Query head {@code h} uses K/V head {@code h / (H/Hkv)} (transformers'
 * {@code repeat_kv}); instead of materialising the repeated K/V, the query heads of one group are stacked along the
 * row axis so that one batched matmul per K/V head serves the whole group.
 */
public final class LlamaAttention {
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    public LlamaAttention(Linear q, Linear k, Linear v, Linear o, int heads, int kvHeads, int headDim) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads are not a multiple of " + kvHeads + " KV heads");
        }
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /**
     * Attends the new tokens to the cached ones and themselves, writing their K/V into {@code cache} at the cache's
     * current position (the caller advances the cache after the last layer).
     *
     * @param x {@code [T, D]}
     * @param cos {@code [T, hd]} rotary cos rows of the absolute positions of the new tokens
     * @param sin {@code [T, hd]}
     * @param mask {@code [T, L]} additive causal mask (0 or -inf), or null when T = 1
     * @return {@code [T, D]}
     */
    public NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer) {
        long t = x.getShape().get(0);
        int total = cache.position() + (int) t;
        long group = heads / kvHeads;
        NDArray qRot;
        NDArray kRot;
        try (NDArray qp = q.forward(x); // [T, H·hd]
                NDArray qh = qp.reshape(t, heads, headDim).transpose(1, 0, 2); // [H, T, hd]
                NDArray kp = k.forward(x); // [T, Hkv·hd]
                NDArray kh = kp.reshape(t, kvHeads, headDim).transpose(1, 0, 2); // [Hkv, T, hd]
                NDArray vp = v.forward(x);
                NDArray vh = vp.reshape(t, kvHeads, headDim).transpose(1, 0, 2)) {
            qRot = RotaryEmbedding.apply(qh, cos, sin);
            kRot = RotaryEmbedding.apply(kh, cos, sin);
            cache.write(layer, kRot, vh);
        }
        try (NDArray qr = qRot;
                NDArray kr = kRot;
                NDArray qs = Scalars.mul(qr, 1.0 / Math.sqrt(headDim));
                NDArray qg = qs.reshape(kvHeads, group * t, headDim); // [Hkv, g·T, hd]
                NDArray keys = cache.keys(layer, total); // [Hkv, L, hd]
                NDArray values = cache.values(layer, total);
                NDArray keysT = keys.transpose(0, 2, 1); // [Hkv, hd, L]
                NDArray grouped = qg.matMul(keysT); // [Hkv, g·T, L]
                NDArray scores = grouped.reshape(heads, t, total); // [H, T, L]
                NDArray masked = mask == null ? scores.duplicate() : scores.add(mask);
                NDArray probs = masked.softmax(-1);
                NDArray probsG = probs.reshape(kvHeads, group * t, total);
                NDArray context = probsG.matMul(values); // [Hkv, g·T, hd]
                NDArray perHead = context.reshape(heads, t, headDim);
                NDArray merged = perHead.transpose(1, 0, 2).reshape(t, (long) heads * headDim)) { // [T, H·hd]
            return o.forward(merged);
        }
    }
}
