package io.github.llava4j.finetune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.llava4j.model.LinearAdapter;
import io.github.llava4j.model.Scalars;

/**
 * One LoRA pair on one linear layer: {@code (alpha / r) · B·A·dropout(x)}. A {@code [r, in]}, B {@code [out, r]} in the
 * layers' FLOAT32; both require gradients while training.
 */
public final class LoraAdapter implements LinearAdapter {
    private final String layerName;
    private final NDArray a; // [r, in]
    private final NDArray b; // [out, r]
    private final double scale;
    private final LoraDropout dropout;

    LoraAdapter(String layerName, NDArray a, NDArray b, double scale, LoraDropout dropout) {
        this.layerName = layerName;
        this.a = a;
        this.b = b;
        this.scale = scale;
        this.dropout = dropout;
    }

    /** The adapted layer's canonical name, e.g. {@code language_model.model.layers.0.self_attn.q_proj}. */
    public String layerName() {
        return layerName;
    }

    public NDArray a() {
        return a;
    }

    public NDArray b() {
        return b;
    }

    public double scale() {
        return scale;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray dropped = dropout.apply(x); // [..., in]; x itself when dropout is off
        try (NDArray down = ai.djl.nn.core.Linear.linear(dropped, a).singletonOrThrow(); // [..., r]
                NDArray up = ai.djl.nn.core.Linear.linear(down, b).singletonOrThrow()) { // [..., out]
            return Scalars.mul(up, scale);
        } finally {
            if (dropped != x) {
                dropped.close();
            }
        }
    }

    /** {@code W + scale · B·A} {@code [out, in]}: the weight that computes the adapted layer without the adapter. */
    public NDArray mergedWeight(NDArray weight, NDManager manager) {
        try (NDArray product = b.matMul(a);
                NDArray scaled = Scalars.mul(product, scale)) {
            NDArray merged = weight.add(scaled);
            merged.attach(manager);
            return merged;
        }
    }
}
