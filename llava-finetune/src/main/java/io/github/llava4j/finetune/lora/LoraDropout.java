package io.github.llava4j.finetune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Inverted dropout on the adapters' inputs, with masks drawn in Java from a generator that the trainer re-seeds every
 * step: a resumed run draws exactly the masks an uninterrupted one would (torch's global generator is not part of a
 * checkpoint). Off unless {@link #train(long)} was called; shared by the adapters of one model, used by one thread.
 */
public final class LoraDropout {
    private final double probability;
    private SplittableRandom random;

    public LoraDropout(double probability) {
        this.probability = probability;
    }

    /** Training mode for one step: masks come from a generator seeded with {@code seed}. */
    public void train(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Evaluation mode: inputs pass unchanged. */
    public void eval() {
        random = null;
    }

    /** {@code x} itself when off, else a new masked and rescaled array. */
    NDArray apply(NDArray x) {
        if (random == null || probability == 0) {
            return x;
        }
        Shape shape = x.getShape();
        float[] mask = new float[Math.toIntExact(shape.size())];
        float keep = (float) (1.0 / (1.0 - probability));
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < probability ? 0f : keep;
        }
        // torch-owned copy of the mask: autograd keeps it for the backward pass, after the borrowed buffer is gone
        try (NDArray borrowed = x.getManager().create(mask, shape);
                NDArray m = borrowed.duplicate()) {
            return x.mul(m);
        }
    }
}
