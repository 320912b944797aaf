package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/**
 * A learned addition to a linear layer's output, {@code y = x·Wᵀ + b + adapter(x)}: how low-rank adapters (LoRA)
 * train a frozen layer without touching its weight. The runtime itself never creates one; fine-tuning attaches them
 * with {@link Linear#withAdapter}.
 */
@FunctionalInterface
public interface LinearAdapter {
    /** {@code x [..., in]} FLOAT32 to the addition {@code [..., out]} FLOAT32 (a new array; the caller closes it). */
    NDArray forward(NDArray x);
}
