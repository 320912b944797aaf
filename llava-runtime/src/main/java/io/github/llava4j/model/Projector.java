package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** Maps CLIP features to the language model's embedding space, token by token. */
public interface Projector {
    /** {@code [N, P, Dv]} to {@code [N, P, D]}. */
    NDArray forward(NDArray features);
}
