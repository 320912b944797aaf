package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** Element-wise activations with the exact definitions transformers uses; FLOAT32 in and out. */
public final class Activations {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Activations() {}

    /** Exact (erf) GELU: {@code 0.5·x·(1 + erf(x/√2))} (torch {@code nn.GELU()}, transformers {@code "gelu"}). */
    public static NDArray gelu(NDArray x) {
        try (NDArray scaled = Scalars.mul(x, INV_SQRT2);
                NDArray erf = scaled.erf();
                NDArray onePlus = erf.add(1.0);
                NDArray half = Scalars.mul(x, 0.5)) {
            return half.mul(onePlus);
        }
    }

    /** CLIP's {@code quick_gelu}: {@code x·sigmoid(1.702·x)}. */
    public static NDArray quickGelu(NDArray x) {
        try (NDArray scaled = Scalars.mul(x, 1.702);
                NDArray gate = ai.djl.nn.Activation.sigmoid(scaled)) {
            return x.mul(gate);
        }
    }

    /** SiLU / swish: {@code x·sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        try (NDArray gate = ai.djl.nn.Activation.sigmoid(x)) {
            return x.mul(gate);
        }
    }

    /** Applies a transformers {@code hidden_act} name: {@code gelu}, {@code quick_gelu} or {@code silu}. */
    public static NDArray apply(String name, NDArray x) {
        return switch (name) {
            case "gelu" -> gelu(x);
            case "quick_gelu" -> quickGelu(x);
            case "silu" -> silu(x);
            default -> throw new IllegalArgumentException("unsupported activation '" + name + "'");
        };
    }
}
