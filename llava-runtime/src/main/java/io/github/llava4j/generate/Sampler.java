package io.github.llava4j.generate;

import java.util.SplittableRandom;

/**
 * Picks the next token from processed logits: greedy (argmax, ties to the lowest id like torch.argmax) or a draw
 * from softmax(logits) with a seeded generator, so that a seed reproduces a run exactly.
 */
public interface Sampler {
    int sample(float[] logits);

    Sampler GREEDY = Sampler::argmax;

    static Sampler categorical(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return logits -> draw(LogProbs.softmax(logits), random.nextDouble());
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The id whose cumulative probability interval holds {@code u} in [0, 1). */
    static int draw(double[] probabilities, double u) {
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > 0) {
                cumulative += probabilities[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u just above the total
    }
}
