package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** CLIP's MLP: {@code fc2(act(fc1(x)))} with {@code act} = quick_gelu (CLIP default) or exact gelu. */
public final class ClipMlp {
    private final Linear fc1;
    private final Linear fc2;
    private final String activation;

    public ClipMlp(Linear fc1, Linear fc2, String activation) {
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.activation = activation;
        if (!activation.equals("quick_gelu") && !activation.equals("gelu")) {
            throw new IllegalArgumentException("CLIP hidden_act must be quick_gelu or gelu, got " + activation);
        }
    }

    /** {@code [N, P, D]} to {@code [N, P, D]}. */
    public NDArray forward(NDArray x) {
        try (NDArray hidden = fc1.forward(x); // [N, P, I]
                NDArray activated = Activations.apply(activation, hidden)) {
            return fc2.forward(activated);
        }
    }
}
