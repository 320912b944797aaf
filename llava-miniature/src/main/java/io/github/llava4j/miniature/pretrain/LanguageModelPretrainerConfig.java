package io.github.llava4j.miniature.pretrain;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@link LanguageModelPretrainer}.
 *
 * @param steps optimizer steps
 * @param batchSize packed sequences per step
 * @param sequenceLength tokens per packed sequence (BOS included); at most the model's max positions
 * @param learningRate peak AdamW learning rate (warmup, then cosine to 0)
 * @param warmupRatio share of the steps spent warming up
 * @param weightDecay AdamW's decoupled weight decay
 * @param maxGradNorm global-norm gradient clipping (0 disables)
 * @param seed seeds the sentence order of each epoch
 * @param progressBar show a console progress bar
 * @param metrics where to write one JSON line of {@code StepMetrics} per step, if anywhere
 */
public record LanguageModelPretrainerConfig(
        int steps,
        int batchSize,
        int sequenceLength,
        double learningRate,
        double warmupRatio,
        double weightDecay,
        double maxGradNorm,
        long seed,
        boolean progressBar,
        Optional<Path> metrics) {

    public LanguageModelPretrainerConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (sequenceLength < 2) {
            throw new IllegalArgumentException("sequenceLength must be >= 2, got " + sequenceLength);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmupRatio must be in [0, 1], got " + warmupRatio);
        }
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Defaults: 150 steps of 8 sequences of 128 tokens, lr 1e-3, 5% warmup, weight decay 0.01, clip at 1, seed 0.
     */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int steps = 150;
        private int batchSize = 8;
        private int sequenceLength = 128;
        private double learningRate = 1e-3;
        private double warmupRatio = 0.05;
        private double weightDecay = 0.01;
        private double maxGradNorm = 1.0;
        private long seed;
        private boolean progressBar;
        private Path metrics;

        private Builder() {}

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder sequenceLength(int sequenceLength) {
            this.sequenceLength = sequenceLength;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder warmupRatio(double warmupRatio) {
            this.warmupRatio = warmupRatio;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder maxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder progressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        /** A JSON-lines file for the step metrics (MetricsLog's format); none by default. */
        public Builder metrics(Path metrics) {
            this.metrics = metrics;
            return this;
        }

        public LanguageModelPretrainerConfig build() {
            return new LanguageModelPretrainerConfig(steps, batchSize, sequenceLength, learningRate, warmupRatio,
                    weightDecay, maxGradNorm, seed, progressBar, Optional.ofNullable(metrics));
        }
    }
}
