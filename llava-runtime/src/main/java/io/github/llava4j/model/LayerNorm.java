package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Standard LayerNorm over the last axis (biased variance, affine weight and bias, fp32). */
public final class LayerNorm {
    private final NDArray weight; // [D] f32
    private final NDArray bias; // [D] f32
    private final float eps;

    public LayerNorm(NDArray weight, NDArray bias, double eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = (float) eps;
    }

    /** {@code [..., D]} to {@code [..., D]}. */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps)
                .singletonOrThrow();
    }
}
