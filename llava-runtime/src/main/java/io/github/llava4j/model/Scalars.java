package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that stays correct under autograd. Use these instead of DJL's {@code Number} overloads
 * ({@code mul(Number)}, {@code div(Number)}, {@code pow(Number)}) anywhere a backward pass may follow.
 *
 * <p>Why: DJL's overloads wrap the constant in an array made from Java data, which only borrows a direct buffer, and
 * close that array at once. torch's autograd keeps the constant for the backward pass of {@code mul}, {@code div}
 * and {@code pow} (the gradient of {@code c·x} is {@code c·grad}), and once the JVM collects the buffer, which a
 * garbage collection between the forward and the backward pass does, the backward pass reads freed memory: silently
 * wrong gradients, non-finite ones, or a crash in native code (all three seen in stage-2 training; see
 * docs/finetuning.md, "A known problem"). Here the constant is made by torch ({@code full}), in memory torch owns and
 * keeps as long as autograd needs it. The values are those of the overloads: the constant is rounded to {@code x}'s
 * type as torch rounds a 0-d operand.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x · value}, attached to {@code x}'s manager. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray constant = constant(x, value)) {
            return x.mul(constant);
        }
    }

    /** {@code x / value}, attached to {@code x}'s manager. */
    public static NDArray div(NDArray x, double value) {
        try (NDArray constant = constant(x, value)) {
            return x.div(constant);
        }
    }

    /** {@code x ^ exponent}, attached to {@code x}'s manager ({@code -0.5} takes ATen's rsqrt path, as before). */
    public static NDArray pow(NDArray x, double exponent) {
        try (NDArray constant = constant(x, exponent)) {
            return x.pow(constant);
        }
    }

    /** A 0-d array of {@code x}'s type and device, allocated by torch. */
    private static NDArray constant(NDArray x, double value) {
        return x.getManager().full(new Shape(), (float) value, x.getDataType());
    }
}
