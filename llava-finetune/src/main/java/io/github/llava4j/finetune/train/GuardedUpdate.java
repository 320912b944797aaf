package io.github.llava4j.finetune.train;

import io.github.llava4j.LlavaException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimiser update of a training loop, guarded against non-finite values: the gradients are clipped to a global
 * norm, the optimiser steps when the loss and that norm are finite, and otherwise the step is skipped and logged;
 * after more than {@code maxSkippedSteps} skips the run gives up with an error. The gradients are zeroed either way.
 *
 * <p>Every training loop of the project (both LLaVA stages and the miniature's pretrainers) updates through this
 * class, so a rare NaN gradient is handled alike everywhere (docs/finetuning.md, "A known problem"). Not thread-safe:
 * one instance per training run.
 */
public final class GuardedUpdate {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedUpdate.class);

    private final AdamW optimizer;
    private final double maxGradNorm;
    private final int maxSkippedSteps;
    private final String advice;
    private int skipped;

    /**
     * @param maxGradNorm the global gradient norm the gradients are clipped to
     * @param maxSkippedSteps steps with a non-finite loss or gradient tolerated before the run fails
     * @param advice what the error tells the user to try, e.g. {@code "lower the learning rate"}
     */
    public GuardedUpdate(AdamW optimizer, double maxGradNorm, int maxSkippedSteps, String advice) {
        if (maxSkippedSteps < 0) {
            throw new IllegalArgumentException("maxSkippedSteps must be >= 0, got " + maxSkippedSteps);
        }
        this.optimizer = optimizer;
        this.maxGradNorm = maxGradNorm;
        this.maxSkippedSteps = maxSkippedSteps;
        this.advice = advice;
    }

    /**
     * Clips, steps (or skips) and zeroes the gradients of {@code parameters}.
     *
     * @param loss the step's loss (only checked for being finite)
     * @param factor the learning-rate schedule's factor for this step
     * @param step what the step was, for the warning and the error, e.g. {@code "clip step 12"}; asked only when
     *     the step is skipped, before the gradients are zeroed
     * @return the gradient norm before clipping
     * @throws LlavaException when more than {@code maxSkippedSteps} steps have been skipped
     */
    public double apply(List<TrainableParameter> parameters, double loss, double factor, Supplier<String> step) {
        double gradNorm = GradientClipping.clipParameters(parameters, maxGradNorm);
        try {
            if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
                optimizer.step(parameters, factor);
            } else {
                String problem = step.get() + ": loss " + loss + ", gradient norm " + gradNorm;
                if (++skipped > maxSkippedSteps) {
                    throw new LlavaException(problem + "; " + advice);
                }
                LOG.warn("{}: skipped ({} of at most {})", problem, skipped, maxSkippedSteps);
            }
        } finally {
            Gradients.zero(parameters);
        }
        return gradNorm;
    }

    /** Steps skipped so far. */
    public int skipped() {
        return skipped;
    }
}
