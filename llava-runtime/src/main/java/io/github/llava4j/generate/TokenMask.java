package io.github.llava4j.generate;

import java.util.function.BiPredicate;

/**
 * Removes the tokens a rule forbids at this point (grammar-constrained decoding: JSON schemas, tool calls). The
 * rule sees the candidate id and the context; forbidden tokens become -infinity. If the rule forbids everything,
 * the logits are left as they were and an error is raised, since no valid continuation exists.
 */
public record TokenMask(BiPredicate<Integer, int[]> allowed) implements LogitsProcessor {
    @Override
    public void process(float[] logits, int[] context) {
        boolean any = false;
        float[] masked = logits.clone();
        for (int id = 0; id < masked.length; id++) {
            if (masked[id] != Float.NEGATIVE_INFINITY && !allowed.test(id, context)) {
                masked[id] = Float.NEGATIVE_INFINITY;
            } else if (masked[id] != Float.NEGATIVE_INFINITY) {
                any = true;
            }
        }
        if (!any) {
            throw new IllegalStateException("the token mask allows no token after " + context.length + " ids");
        }
        System.arraycopy(masked, 0, logits, 0, logits.length);
    }
}
