package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** LLaMA's RMSNorm in fp32: {@code x · rsqrt(mean(x²) + eps) · weight} over the last axis (no bias, no centring). */
public final class RmsNorm {
    private final NDArray weight; // [D] f32
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    /** {@code [..., D]} to {@code [..., D]}. */
    public NDArray forward(NDArray x) {
        try (NDArray squares = x.square();
                NDArray mean = squares.mean(new int[] {-1}, true);
                NDArray shifted = mean.add(eps);
                // pow(-0.5) is ATen's rsqrt special case: DJL has no rsqrt, and x / sqrt(.) rounds differently.
                NDArray inverse = Scalars.pow(shifted, -0.5);
                NDArray normed = x.mul(inverse)) {
            return normed.mul(weight);
        }
    }
}
