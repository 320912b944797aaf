package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** LLaVA-1.5's projector ({@code mlp2x_gelu}): {@code linear_2(gelu(linear_1(z)))} with exact (erf) GELU. */
public final class Mlp2xGeluProjector implements Projector {
    private final Linear linear1;
    private final Linear linear2;

    public Mlp2xGeluProjector(Linear linear1, Linear linear2) {
        this.linear1 = linear1;
        this.linear2 = linear2;
    }

    @Override
    public NDArray forward(NDArray features) {
        try (NDArray hidden = linear1.forward(features);
                NDArray activated = Activations.gelu(hidden)) {
            return linear2.forward(activated);
        }
    }
}
