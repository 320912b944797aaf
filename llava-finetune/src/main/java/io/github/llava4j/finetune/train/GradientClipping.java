package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Clipping by the global gradient norm, as {@code torch.nn.utils.clip_grad_norm_} does (DJL's own clipping clamps
 * single values instead).
 */
public final class GradientClipping {
    /** Added to the norm before dividing, as torch does, so a zero norm does not divide by zero. */
    static final double EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * Computes {@code total = sqrt(sum ||g||^2)} over all gradients; if {@code maxNorm / (total + 1e-6) < 1} scales
     * every gradient in place by that coefficient. Returns the total norm before clipping. A non-finite norm is
     * returned without clipping so that the caller can report (or skip) the step. {@code maxNorm <= 0} disables
     * clipping (the norm is still computed).
     */
    public static double clipGlobalNorm(List<NDArray> gradients, double maxNorm) {
        double total = globalNorm(gradients);
        if (maxNorm <= 0 || !Double.isFinite(total)) {
            return total;
        }
        double coefficient = maxNorm / (total + EPSILON);
        if (coefficient < 1) {
            for (NDArray g : gradients) {
                g.muli(coefficient);
            }
        }
        return total;
    }

    /** {@link #clipGlobalNorm} over the gradients of {@code params}. */
    public static double clipParameters(List<TrainableParameter> params, double maxNorm) {
        List<NDArray> gradients = new ArrayList<>(params.size());
        try {
            for (TrainableParameter p : params) {
                if (!p.value().hasGradient()) {
                    throw new IllegalStateException("parameter '" + p.name() + "' does not require a gradient");
                }
                gradients.add(p.value().getGradient());
            }
            return clipGlobalNorm(gradients, maxNorm);
        } finally {
            gradients.forEach(NDArray::close);
        }
    }

    /** {@code sqrt(sum ||g||^2)}: per-array L2 norms in FLOAT32 on the arrays' device, summed in double. */
    public static double globalNorm(List<NDArray> gradients) {
        double sumOfSquares = 0;
        for (NDArray g : gradients) {
            try (NDScope ignored = new NDScope()) {
                NDArray g32 = g.getDataType() == DataType.FLOAT32 ? g : g.toType(DataType.FLOAT32, false);
                double norm = g32.size() == 0 ? 0 : g32.norm().getFloat();
                sumOfSquares += norm * norm;
            }
        }
        return Math.sqrt(sumOfSquares);
    }
}
