package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/**
 * Named taps on intermediate activations, for debugging and parity checks against a reference implementation.
 *
 * <p>Tap names: {@code vision.embeddings} ({@code [N, P, Dv]} after pre_layrnorm), {@code vision.layers.<i>}
 * (output of encoder layer i), {@code vision.features} (after feature selection), {@code projector} ({@code [N, P',
 * D]}), {@code decoder.embeddings} ({@code [T, D]}), {@code decoder.layers.<i>}, {@code decoder.norm}. The array is
 * only valid during the callback: copy what must outlive it (e.g. {@code toFloatArray()}).
 */
@FunctionalInterface
public interface ActivationProbe {
    /** A probe that records nothing. */
    ActivationProbe NONE = (name, value) -> {};

    void tap(String name, NDArray value);
}
