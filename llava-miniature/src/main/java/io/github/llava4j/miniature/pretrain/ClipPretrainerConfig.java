package io.github.llava4j.miniature.pretrain;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@link ClipPretrainer}.
 *
 * @param steps optimizer steps
 * @param batchSize image-caption pairs per step (the contrastive negatives of each other)
 * @param learningRate peak AdamW learning rate (warmup, then cosine to 0)
 * @param warmupRatio share of the steps spent warming up
 * @param weightDecay AdamW's decoupled weight decay
 * @param maxGradNorm global-norm gradient clipping (0 disables)
 * @param textWidth width of the text tower
 * @param jointDim width of the joint image-caption space
 * @param seed seeds the heads' initialisation, the data order and the caption choice
 * @param progressBar show a console progress bar
 * @param metrics where to write one JSON line of {@code StepMetrics} per step, if anywhere
 */
public record ClipPretrainerConfig(
        int steps,
        int batchSize,
        double learningRate,
        double warmupRatio,
        double weightDecay,
        double maxGradNorm,
        int textWidth,
        int jointDim,
        long seed,
        boolean progressBar,
        Optional<Path> metrics) {

    public ClipPretrainerConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batchSize must be >= 2 (a contrastive batch needs negatives), got "
                    + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmupRatio must be in [0, 1], got " + warmupRatio);
        }
        if (textWidth < 1 || jointDim < 1) {
            throw new IllegalArgumentException("textWidth and jointDim must be >= 1, got " + textWidth + " and "
                    + jointDim);
        }
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Defaults: 150 steps of 32 pairs, lr 1e-3, 5% warmup, no weight decay, clip at 1, text 64, joint 64, seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int steps = 150;
        private int batchSize = 32;
        private double learningRate = 1e-3;
        private double warmupRatio = 0.05;
        private double weightDecay = 0.0;
        private double maxGradNorm = 1.0;
        private int textWidth = 64;
        private int jointDim = 64;
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

        public Builder textWidth(int textWidth) {
            this.textWidth = textWidth;
            return this;
        }

        public Builder jointDim(int jointDim) {
            this.jointDim = jointDim;
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

        public ClipPretrainerConfig build() {
            return new ClipPretrainerConfig(steps, batchSize, learningRate, warmupRatio, weightDecay, maxGradNorm,
                    textWidth, jointDim, seed, progressBar, Optional.ofNullable(metrics));
        }
    }
}
