package io.github.llava4j.generate;

import java.util.Arrays;

/**
 * Nucleus filtering: keeps the smallest set of most likely tokens whose probabilities add up to at least P (always
 * at least one token); the rest become -infinity. Same rule as transformers' TopPLogitsWarper.
 */
public record TopP(double p) implements LogitsProcessor {
    public TopP {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1], got " + p);
        }
    }

    @Override
    public void process(float[] logits, int[] context) {
        if (p >= 1.0) {
            return;
        }
        double[] probabilities = LogProbs.softmax(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length && cumulative < p) {
            cumulative += probabilities[order[keep]];
            keep++;
        }
        keep = Math.max(keep, 1);
        for (int rank = keep; rank < order.length; rank++) {
            logits[order[rank]] = Float.NEGATIVE_INFINITY;
        }
    }
}
