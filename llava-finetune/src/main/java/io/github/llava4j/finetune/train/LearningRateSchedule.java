package io.github.llava4j.finetune.train;

/** The learning-rate factor per optimizer step (0-based step index; the factor used FOR that step). */
@FunctionalInterface
public interface LearningRateSchedule {
    double factor(long step);

    /**
     * Hugging Face's {@code get_cosine_schedule_with_warmup} (half a cosine, LLaVA's {@code lr_scheduler_type
     * cosine}): linear from 0 during {@code warmupSteps}, then {@code 0.5 * (1 + cos(pi * progress))}, never below
     * 0, where {@code progress = (step - warmup) / max(1, total - warmup)}.
     */
    static LearningRateSchedule cosineWithWarmup(long totalSteps, long warmupSteps) {
        if (totalSteps < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("totalSteps and warmupSteps must be >= 0, got " + totalSteps + " and "
                    + warmupSteps);
        }
        return step -> {
            if (step < warmupSteps) {
                return (double) step / Math.max(1, warmupSteps);
            }
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        };
    }

    /** Always 1. */
    static LearningRateSchedule constant() {
        return step -> 1.0;
    }

    /** Hugging Face {@code TrainingArguments.get_warmup_steps} for a warmup ratio: {@code ceil(totalSteps * ratio)}. */
    static long warmupSteps(long totalSteps, double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("warmup ratio must be in [0, 1], got " + ratio);
        }
        if (totalSteps < 0) {
            throw new IllegalArgumentException("totalSteps must be >= 0, got " + totalSteps);
        }
        return (long) Math.ceil(totalSteps * ratio);
    }
}
