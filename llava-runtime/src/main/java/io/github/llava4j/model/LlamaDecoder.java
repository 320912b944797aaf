package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.LlavaException;
import io.github.llava4j.config.LlamaTextConfig;
import java.util.List;

/**
 * The LLaMA causal language model: token embeddings, decoder layers, final RMSNorm and {@code lm_head} (which may be
 * the very same array as the embeddings when they are tied).
 */
public final class LlamaDecoder {
    private final LlamaTextConfig config;
    private final NDArray embedTokens; // [V, D], f32 or f16
    private final List<LlamaDecoderLayer> layers;
    private final RmsNorm norm;
    private final Linear lmHead; // [V, D]
    private final RotaryEmbedding rotary;

    public LlamaDecoder(
            LlamaTextConfig config,
            NDArray embedTokens,
            List<LlamaDecoderLayer> layers,
            RmsNorm norm,
            Linear lmHead,
            RotaryEmbedding rotary) {
        this.config = config;
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.norm = norm;
        this.lmHead = lmHead;
        this.rotary = rotary;
    }

    public LlamaTextConfig config() {
        return config;
    }

    public int numLayers() {
        return layers.size();
    }

    /** The longest sequence the rotary table covers. */
    public int maxPositions() {
        return rotary.maxPositions();
    }

    /** Embeddings {@code [n, D]} FLOAT32 of {@code ids[from, to)}, created in {@code manager}. */
    public NDArray embed(int[] ids, int from, int to, NDManager manager) {
        long vocab = embedTokens.getShape().get(0);
        long[] slice = new long[to - from];
        for (int i = from; i < to; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new LlavaException(
                        "token id " + ids[i] + " at position " + i + " is outside the vocabulary of " + vocab);
            }
            slice[i - from] = ids[i];
        }
        // The index is copied into memory torch owns: an array made from Java data only borrows its buffer, which
        // is freed with the array, and when training, autograd keeps the index for the backward pass.
        try (NDArray borrowed = manager.create(slice);
                NDArray index = borrowed.duplicate();
                NDArray rows = embedTokens.get(new NDIndex("{}", index))) {
            NDArray result = rows.toType(DataType.FLOAT32, true); // a copy, even when already f32
            result.attach(manager);
            return result;
        }
    }

    /**
     * Runs the new tokens through the decoder, appending their K/V to {@code cache}, and returns logits {@code [T, V]}
     * ({@code allLogits}) or {@code [1, V]} of the last position. The cache is advanced by T only on success.
     */
    public NDArray forward(NDArray inputEmbeds, KvCache cache, boolean allLogits, ActivationProbe probe) {
        return forward(inputEmbeds, cache, allLogits, probe, null);
    }

    /**
     * As {@link #forward(NDArray, KvCache, boolean, ActivationProbe)}; with {@code segments} (lengths summing to T,
     * into an empty cache) the T positions are several sequences packed end to end, each attending only to itself
     * (a block-diagonal causal mask). Rotary positions run on across the pack: attention depends only on distances
     * within a sequence, so each sequence is computed as if alone.
     */
    public NDArray forward(
            NDArray inputEmbeds, KvCache cache, boolean allLogits, ActivationProbe probe, int[] segments) {
        int t = (int) inputEmbeds.getShape().get(0);
        int start = cache.position();
        cache.checkRoom(t);
        NDArray cos = rotary.cos(start, t);
        NDArray sin = rotary.sin(start, t);
        // the rotary rows live with the weights, so the mask lands on the model's device too
        NDArray mask = segments != null ? packedMask(cos.getManager(), start, t, segments)
                : t == 1 ? null : causalMask(cos.getManager(), start, t);
        NDArray h = inputEmbeds.toType(DataType.FLOAT32, true);
        probe.tap("decoder.embeddings", h);
        for (int i = 0; i < layers.size(); i++) {
            NDArray next = layers.get(i).forward(h, cos, sin, mask, cache, i);
            h.close();
            h = next;
            probe.tap("decoder.layers." + i, h);
        }
        cache.advance(t);
        NDArray last = allLogits ? h : h.get(new NDIndex("{}:", t - 1)); // [T or 1, D]
        try (NDArray normed = norm.forward(last)) {
            probe.tap("decoder.norm", normed);
            return lmHead.forward(normed);
        }
    }

    /** {@code [T, T]}: 0 where query i and key j are in the same segment and j <= i, -inf elsewhere. */
    private static NDArray packedMask(NDManager manager, int start, int t, int[] segments) {
        if (start != 0) {
            throw new LlavaException("packed sequences need an empty KV cache, it holds " + start + " tokens");
        }
        int[] segmentOf = new int[t];
        int at = 0;
        for (int k = 0; k < segments.length; k++) {
            for (int n = 0; n < segments[k]; n++) {
                if (at == t) {
                    throw new LlavaException("segment lengths " + java.util.Arrays.toString(segments)
                            + " exceed the " + t + " positions");
                }
                segmentOf[at++] = k;
            }
        }
        if (at != t) {
            throw new LlavaException("segment lengths " + java.util.Arrays.toString(segments) + " sum to " + at
                    + ", not the " + t + " positions");
        }
        try (NDArray ids = manager.create(segmentOf); // T ints, the only array made from Java data
                NDArray keySegment = ids.reshape(1, t);
                NDArray querySegment = ids.reshape(t, 1);
                NDArray otherSegment = keySegment.neq(querySegment); // [T, T]
                NDArray future = future(manager, 0, t);
                NDArray blocked = future.logicalOr(otherSegment)) {
            return additive(manager, blocked);
        }
    }

    /** {@code [T, start+T]}: 0 where key j may be seen by query i (j <= start+i), -inf elsewhere. */
    private static NDArray causalMask(NDManager manager, int start, int t) {
        try (NDArray future = future(manager, start, t)) {
            return additive(manager, future);
        }
    }

    /** {@code [T, start+T]} boolean: true where key j comes after query i (at position start+i). */
    private static NDArray future(NDManager manager, int start, int t) {
        try (NDArray keys = manager.arange(0, start + t, 1, DataType.INT32);
                NDArray keyRow = keys.reshape(1, start + t);
                NDArray queries = manager.arange(start, start + t, 1, DataType.INT32);
                NDArray queryColumn = queries.reshape(t, 1)) {
            return keyRow.gt(queryColumn);
        }
    }

    /**
     * -inf where {@code blocked}, 0 elsewhere, FLOAT32, made by torch: a mask built from a Java array would hold a
     * direct buffer that only a garbage collection frees, and training builds one per pass (gigabytes resident
     * between collections).
     */
    private static NDArray additive(NDManager manager, NDArray blocked) {
        try (NDArray minusInfinity = manager.full(blocked.getShape(), Float.NEGATIVE_INFINITY, DataType.FLOAT32);
                NDArray zero = manager.zeros(blocked.getShape(), DataType.FLOAT32)) {
            return NDArrays.where(blocked, minusInfinity, zero);
        }
    }
}
