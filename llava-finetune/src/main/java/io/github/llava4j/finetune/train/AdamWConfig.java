package io.github.llava4j.finetune.train;

/** Hyper-parameters of {@link AdamW}, named as in {@code torch.optim.AdamW}. */
public record AdamWConfig(double beta1, double beta2, double epsilon, double weightDecay) {
    public AdamWConfig {
        checkBeta("beta1", beta1);
        checkBeta("beta2", beta2);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** The Hugging Face Trainer's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamWConfig defaults() {
        return new AdamWConfig(0.9, 0.999, 1e-8, 0.0);
    }

    /** A copy with another weight decay. */
    public AdamWConfig withWeightDecay(double weightDecay) {
        return new AdamWConfig(beta1, beta2, epsilon, weightDecay);
    }

    private static void checkBeta(String name, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
        }
    }
}
