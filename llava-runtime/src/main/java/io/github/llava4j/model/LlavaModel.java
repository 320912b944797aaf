package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.LlavaException;
import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.LlavaConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;

/**
 * A loaded LLaVA network: CLIP vision tower, projector and LLaMA decoder. Immutable and safe to share between
 * threads; each thread (or sequence) brings its own {@link KvCache}.
 *
 * <p>Every call runs one sequence (batch size 1). Temporaries of a call are freed before it returns (an
 * {@link NDScope} per call); only the returned array survives, attached to the caller's {@code out} manager (it is
 * not registered in any {@code NDScope} the caller has open, so close it or {@code out}). Inputs on another device are
 * copied to the model's device; results stay there. Closing the model frees the weights.
 */
public final class LlavaModel implements AutoCloseable {
    private final LlavaConfig config;
    private final NDManager weights;
    private final ClipVisionTower visionTower;
    private final Projector projector;
    private final LlamaDecoder decoder;
    private final Map<String, NDArray> namedWeights;

    /** A model without a name index of its weights (see {@link #namedWeights()}). */
    public LlavaModel(
            LlavaConfig config,
            NDManager weights,
            ClipVisionTower visionTower,
            Projector projector,
            LlamaDecoder decoder) {
        this(config, weights, visionTower, projector, decoder, Map.of());
    }

    /**
     * @param weights the manager owning every weight array; closed with the model
     * @param namedWeights the weight arrays by canonical checkpoint name (see {@link #namedWeights()})
     */
    public LlavaModel(
            LlavaConfig config,
            NDManager weights,
            ClipVisionTower visionTower,
            Projector projector,
            LlamaDecoder decoder,
            Map<String, NDArray> namedWeights) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.visionTower = Objects.requireNonNull(visionTower, "visionTower");
        this.projector = Objects.requireNonNull(projector, "projector");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.namedWeights = Collections.unmodifiableMap(new LinkedHashMap<>(namedWeights));
    }

    public LlavaConfig config() {
        return config;
    }

    /**
     * The arrays the model computes with, by canonical checkpoint name (older llava-hf scheme), in load order: what
     * fine-tuning trains and exports. With tied embeddings {@code lm_head} is not listed (it is the embedding
     * matrix); the CLIP patch kernel is listed flattened to {@code [D, C·p·p]}. Empty for models built by hand.
     */
    public Map<String, NDArray> namedWeights() {
        return namedWeights;
    }

    /** The manager holding the weights (its device is the model's device). */
    public NDManager weightsManager() {
        return weights;
    }

    /**
     * Vision tower + projector: pixels {@code [N, C, S, S]} FLOAT32 to image embeddings {@code [N, imageSeqLength,
     * D_text]} FLOAT32, attached to {@code out}.
     */
    public NDArray encodeImages(NDArray pixelValues, NDManager out) {
        return encodeImages(pixelValues, out, ActivationProbe.NONE);
    }

    /** As {@link #encodeImages(NDArray, NDManager)}, reporting intermediate states to {@code probe}. */
    public NDArray encodeImages(NDArray pixelValues, NDManager out, ActivationProbe probe) {
        checkPixels(pixelValues);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray pixels = onDevice(pixelValues).toType(DataType.FLOAT32, false);
            NDArray features = visionTower.forward(pixels, probe); // [N, P', Dv]
            NDArray embeddings = projector.forward(features); // [N, P', D]
            probe.tap("projector", embeddings);
            return keep(embeddings, out);
        }
    }

    /**
     * The vision tower alone: pixels {@code [N, C, S, S]} to the selected features {@code [N, imageSeqLength, D_vision]}
     * FLOAT32, attached to {@code out}. With {@link #project} it splits {@link #encodeImages} where training needs it:
     * a frozen tower's features can be computed once and reused while the projector learns.
     */
    public NDArray encodeVision(NDArray pixelValues, NDManager out) {
        checkPixels(pixelValues);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray pixels = onDevice(pixelValues).toType(DataType.FLOAT32, false);
            return keep(visionTower.forward(pixels, ActivationProbe.NONE), out);
        }
    }

    /** The projector alone: vision features {@code [N, P', D_vision]} to image embeddings {@code [N, P', D_text]}. */
    public NDArray project(NDArray visionFeatures, NDManager out) {
        Shape s = visionFeatures.getShape();
        if (s.dimension() != 3 || s.get(2) != config.vision().hiddenSize()) {
            throw new LlavaException("vision features must be [N, P, " + config.vision().hiddenSize() + "], got " + s);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return keep(projector.forward(onDevice(visionFeatures)), out);
        }
    }

    private void checkPixels(NDArray pixelValues) {
        ClipVisionConfig vision = config.vision();
        Shape expected = new Shape(-1, vision.numChannels(), vision.imageSize(), vision.imageSize());
        Shape shape = pixelValues.getShape();
        if (shape.dimension() != 4
                || shape.get(1) != vision.numChannels()
                || shape.get(2) != vision.imageSize()
                || shape.get(3) != vision.imageSize()) {
            throw new LlavaException("pixel values must be " + expected + " (N images), got " + shape);
        }
    }

    /**
     * Embeds {@code ids} and splices image features at the image-token positions ({@code config.imageTokenIndex()}),
     * giving {@code [T, D_text]} FLOAT32 attached to {@code out}.
     *
     * <p>Two forms of ids are accepted: each image as ONE placeholder token, expanded here to imageSeqLength rows,
     * or HF's processor-side expansion with imageSeqLength consecutive image tokens per image. The form is told from
     * the ids alone (see {@link #expandedLength}); features are consumed in order.
     *
     * @param imageFeatures per entry {@code [S, D]} or {@code [n, S, D]} (as returned by {@link #encodeImages})
     * @throws LlavaException "Image features and image tokens do not match: tokens: X, features: Y" when the image
     *     positions (after expansion) differ from the feature rows
     */
    public NDArray embed(int[] ids, List<NDArray> imageFeatures, NDManager out) {
        int seq = config.imageSeqLength();
        boolean expanded = isExpanded(ids);
        int imageTokens = countImageTokens(ids);
        int positions = expanded ? imageTokens : imageTokens * seq;
        long featureRows = 0;
        for (NDArray f : imageFeatures) {
            Shape s = f.getShape();
            if (s.dimension() < 2 || s.dimension() > 3 || s.get(s.dimension() - 1) != config.text().hiddenSize()) {
                throw new LlavaException("image features must be [S, " + config.text().hiddenSize() + "] or [n, S, "
                        + config.text().hiddenSize() + "], got " + s);
            }
            featureRows += s.dimension() == 3 ? s.get(0) * s.get(1) : s.get(0);
        }
        if (positions != featureRows) {
            throw new LlavaException("Image features and image tokens do not match: tokens: " + positions
                    + ", features: " + featureRows + " (" + imageTokens + " tokens of id " + config.imageTokenIndex()
                    + (expanded ? " already expanded" : " each expanding to " + seq + " rows") + ")");
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> rows = new ArrayList<>();
            for (NDArray f : imageFeatures) {
                rows.add(onDevice(f).reshape(-1, config.text().hiddenSize()));
            }
            NDArray allFeatures = rows.isEmpty() ? null : concat(rows); // [F, D]
            List<NDArray> segments = new ArrayList<>();
            int featureRow = 0;
            int i = 0;
            while (i < ids.length) {
                int j = i;
                if (ids[i] == config.imageTokenIndex()) {
                    while (j < ids.length && ids[j] == config.imageTokenIndex()) {
                        j++;
                    }
                    int take = expanded ? j - i : (j - i) * seq;
                    segments.add(allFeatures.get(new NDIndex("{}:{}", featureRow, featureRow + take)));
                    featureRow += take;
                } else {
                    while (j < ids.length && ids[j] != config.imageTokenIndex()) {
                        j++;
                    }
                    segments.add(decoder.embed(ids, i, j, weights));
                }
                i = j;
            }
            if (segments.isEmpty()) {
                throw new LlavaException("cannot embed an empty sequence of token ids");
            }
            NDArray result = concat(segments).toType(DataType.FLOAT32, true); // [T, D]
            return keep(result, out);
        }
    }

    /**
     * Embeds {@code ids} as text tokens only, {@code [T, D_text]} FLOAT32 attached to {@code out}: what a decode step
     * feeds back, where even the image-token id (should a model produce it) is just its embedding row, as in
     * transformers' decode steps, which receive no pixel values.
     */
    public NDArray embedText(int[] ids, NDManager out) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return keep(decoder.embed(ids, 0, ids.length, weights), out);
        }
    }

    /**
     * Length of the decoder sequence for {@code ids}: image tokens that come in runs whose lengths are all multiples
     * of imageSeqLength are taken as already expanded; otherwise each image token is one placeholder standing for
     * imageSeqLength rows.
     */
    public int expandedLength(int[] ids) {
        int imageTokens = countImageTokens(ids);
        return isExpanded(ids) ? ids.length : ids.length + imageTokens * (config.imageSeqLength() - 1);
    }

    /** A KV cache for one sequence of up to {@code maxTokens} (expanded) tokens on the model's device. */
    public KvCache newKvCache(int maxTokens) {
        checkCacheSize(maxTokens);
        var text = config.text();
        return new KvCache(text.numHiddenLayers(), text.numKeyValueHeads(), text.headDim(), maxTokens,
                weights.getDevice());
    }

    /**
     * A KV cache whose arrays are closed with {@code owner} at the latest (for training: a forward pass's cache must
     * outlive its backward pass). {@code owner} must be on the model's device.
     */
    public KvCache newKvCache(int maxTokens, NDManager owner) {
        checkCacheSize(maxTokens);
        var text = config.text();
        return new KvCache(text.numHiddenLayers(), text.numKeyValueHeads(), text.headDim(), maxTokens, owner);
    }

    private void checkCacheSize(int maxTokens) {
        if (maxTokens > decoder.maxPositions()) {
            throw new LlavaException("KV cache of " + maxTokens + " tokens exceeds max_position_embeddings "
                    + decoder.maxPositions());
        }
    }

    /**
     * Runs {@code inputEmbeds [T, D]} through the decoder at positions {@code cache.position() ..}, advancing the
     * cache by T. Returns FLOAT32 logits {@code [T, V]} when {@code allLogits}, else {@code [1, V]} of the last
     * position only (what generation needs: lm_head runs on one row), attached to {@code out}.
     */
    public NDArray forward(NDArray inputEmbeds, KvCache cache, boolean allLogits, NDManager out) {
        return forward(inputEmbeds, cache, allLogits, out, ActivationProbe.NONE);
    }

    /**
     * Several sequences packed end to end in {@code inputEmbeds [T, D]} ({@code segments}: their lengths, summing to
     * T), each attending only to itself: logits {@code [T, V]} equal to running each alone, in one pass (what
     * training uses to cut per-call overhead). Its KV cache is closed with {@code out}.
     */
    public NDArray forwardPacked(NDArray inputEmbeds, int[] segments, NDManager out) {
        Shape s = inputEmbeds.getShape();
        if (s.dimension() != 2 || s.get(1) != config.text().hiddenSize() || s.get(0) == 0) {
            throw new LlavaException("input embeddings must be [T, " + config.text().hiddenSize() + "] with T > 0, got "
                    + s);
        }
        KvCache cache = newKvCache((int) s.get(0), out); // closed with out: autograd reads it in a backward pass
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return keep(decoder.forward(onDevice(inputEmbeds), cache, true, ActivationProbe.NONE, segments), out);
        }
    }

    /** As {@link #forward(NDArray, KvCache, boolean, NDManager)}, reporting intermediate states to {@code probe}. */
    public NDArray forward(
            NDArray inputEmbeds, KvCache cache, boolean allLogits, NDManager out, ActivationProbe probe) {
        Shape s = inputEmbeds.getShape();
        if (s.dimension() != 2 || s.get(1) != config.text().hiddenSize() || s.get(0) == 0) {
            throw new LlavaException("input embeddings must be [T, " + config.text().hiddenSize() + "] with T > 0, got "
                    + s);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return keep(decoder.forward(onDevice(inputEmbeds), cache, allLogits, probe), out);
        }
    }

    @Override
    public void close() {
        weights.close();
    }

    private boolean isExpanded(int[] ids) {
        int seq = config.imageSeqLength();
        boolean any = false;
        int i = 0;
        while (i < ids.length) {
            if (ids[i] != config.imageTokenIndex()) {
                i++;
                continue;
            }
            int j = i;
            while (j < ids.length && ids[j] == config.imageTokenIndex()) {
                j++;
            }
            if ((j - i) % seq != 0) {
                return false;
            }
            any = true;
            i = j;
        }
        return any;
    }

    private int countImageTokens(int[] ids) {
        int count = 0;
        for (int id : ids) {
            if (id == config.imageTokenIndex()) {
                count++;
            }
        }
        return count;
    }

    private static NDArray concat(List<NDArray> parts) {
        NDArray result = parts.get(0);
        for (int k = 1; k < parts.size(); k++) {
            result = result.concat(parts.get(k), 0);
        }
        return result;
    }

    /** The array itself when it is on the model's device, else a copy there (freed with the call's scope). */
    private NDArray onDevice(NDArray array) {
        return array.getDevice().equals(weights.getDevice()) ? array : array.toDevice(weights.getDevice(), true);
    }

    /** Moves a result out of the call's scope into the caller's manager. */
    private static NDArray keep(NDArray result, NDManager out) {
        NDScope.unregister(result);
        result.attach(out);
        return result;
    }
}
