package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.github.llava4j.config.FeatureSelect;
import java.util.List;

/**
 * The CLIP ViT as LLaVA uses it: embeddings, {@code pre_layrnorm}, then only the encoder layers needed for the
 * selected hidden state ({@code vision_feature_layer}; -2 skips the last layer). {@code post_layernorm} is never
 * applied. {@link FeatureSelect#DEFAULT} drops the CLS position, {@link FeatureSelect#FULL} keeps it.
 */
public final class ClipVisionTower {
    private final PatchEmbedding embeddings;
    private final LayerNorm preLayerNorm;
    private final List<ClipEncoderLayer> layers;
    private final FeatureSelect featureSelect;

    /** @param layers the encoder layers to run, in order (as many as the feature layer needs) */
    public ClipVisionTower(
            PatchEmbedding embeddings, LayerNorm preLayerNorm, List<ClipEncoderLayer> layers, FeatureSelect select) {
        this.embeddings = embeddings;
        this.preLayerNorm = preLayerNorm;
        this.layers = List.copyOf(layers);
        this.featureSelect = select;
    }

    /** Pixels {@code [N, C, S, S]} to features {@code [N, P', Dv]} (P' = patches, +1 with FULL). */
    public NDArray forward(NDArray pixels) {
        return forward(pixels, ActivationProbe.NONE);
    }

    /** As {@link #forward(NDArray)}, reporting intermediate states to {@code probe}. */
    public NDArray forward(NDArray pixels, ActivationProbe probe) {
        NDArray h;
        try (NDArray embedded = embeddings.forward(pixels)) {
            h = preLayerNorm.forward(embedded); // [N, P, Dv]
        }
        probe.tap("vision.embeddings", h);
        for (int i = 0; i < layers.size(); i++) {
            NDArray next = layers.get(i).forward(h);
            h.close();
            h = next;
            probe.tap("vision.layers." + i, h);
        }
        if (featureSelect == FeatureSelect.DEFAULT) {
            try (NDArray all = h) {
                // a compact copy that keeps the autograd graph (DJL's duplicate() detaches, so a vision tower
                // being trained would get no gradient)
                h = all.get(new NDIndex(":, 1:")).toType(all.getDataType(), true); // [N, P-1, Dv]
            }
        }
        probe.tap("vision.features", h);
        return h;
    }
}
