package io.github.llava4j.model;

import ai.djl.ndarray.NDArray;

/** LLaMA's SwiGLU MLP: {@code down(silu(gate(x)) ⊙ up(x))}, no biases. */
public final class LlamaMlp {
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    public LlamaMlp(Linear gate, Linear up, Linear down) {
        this.gate = gate;
        this.up = up;
        this.down = down;
    }

    /** {@code [T, D]} to {@code [T, D]}. */
    public NDArray forward(NDArray x) {
        try (NDArray g = gate.forward(x); // [T, I]
                NDArray activated = Activations.silu(g);
                NDArray u = up.forward(x);
                NDArray product = activated.mul(u)) {
            return down.forward(product);
        }
    }
}
