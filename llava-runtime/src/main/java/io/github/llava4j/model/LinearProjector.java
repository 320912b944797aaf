package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** LLaVA v1's projector: one linear map {@code H = W·Z + b} ({@code mm_projector_type = linear}). */
public final class LinearProjector implements Projector {
    private final Linear linear;

    public LinearProjector(Linear linear) {
        this.linear = linear;
    }

    @Override
    public NDArray forward(NDArray features) {
        return linear.forward(features);
    }
}
