package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/** Helpers on the gradients of trainable parameters. */
public final class Gradients {
    private Gradients() {
    }

    /** Sets the gradient of every parameter to zero, in place (also NaN / infinite entries). */
    public static void zero(List<TrainableParameter> params) {
        for (TrainableParameter p : params) {
            if (!p.value().hasGradient()) {
                throw new IllegalStateException("parameter '" + p.name() + "' does not require a gradient");
            }
            try (NDArray g = p.value().getGradient()) {
                // set, not g * 0: a NaN gradient times 0 stays NaN
                g.set(new NDIndex("..."), 0);
            }
        }
    }

    /** Alias of {@link #zero}. */
    public static void zeroGradients(List<TrainableParameter> params) {
        zero(params);
    }
}
