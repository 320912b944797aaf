package io.github.llava4j.generate;

import java.util.Arrays;

/**
 * Nucleus filtering: keeps the smallest set of most likely tokens whose probabilities add up to at least P (always
 * at least one token); the rest become -infinity. Same rule as transformers' TopPLogitsWarper.
 *
 * <p>Only the candidates still alive (finite logits) are sorted, so after {@link TopK} this sorts K values, not the
 * vocabulary; without it, the sort is of primitive keys (no boxing), about a millisecond for 32k tokens.
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
        long[] order = new long[logits.length];
        int candidates = 0;
        for (int id = 0; id < logits.length; id++) {
            if (logits[id] != Float.NEGATIVE_INFINITY) {
                order[candidates++] = sortKey(logits[id], id);
            }
        }
        Arrays.sort(order, 0, candidates); // most likely first, ties to the lower id
        double cumulative = 0;
        int keep = 0;
        while (keep < candidates && cumulative < p) {
            cumulative += probabilities[(int) order[keep]];
            keep++;
        }
        keep = Math.max(keep, 1);
        for (int rank = keep; rank < candidates; rank++) {
            logits[(int) order[rank]] = Float.NEGATIVE_INFINITY;
        }
    }

    /** A long that sorts ascending by descending logit, then ascending id; the id is its low 32 bits. */
    private static long sortKey(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
        return ((long) ~ordered << 32) | id;
    }
}
