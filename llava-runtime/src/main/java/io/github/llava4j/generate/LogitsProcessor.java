package io.github.llava4j.generate;

/**
 * One stage of turning logits into a choice, applied in place. Processors see the ids so far (prompt then answer)
 * so that context-dependent ones (repetition penalty, grammar masks for constrained decoding) can use them.
 */
@FunctionalInterface
public interface LogitsProcessor {
    /**
     * @param logits next-token scores over the whole vocabulary, modified in place; -infinity removes a token
     * @param context prompt ids followed by the ids generated so far (do not modify)
     */
    void process(float[] logits, int[] context);
}
