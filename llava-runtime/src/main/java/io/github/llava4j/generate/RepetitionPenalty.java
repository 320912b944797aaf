package io.github.llava4j.generate;

/**
 * The CTRL / transformers repetition penalty: every token already in the context has its logit divided by the
 * penalty when positive and multiplied by it when negative (penalty > 1 discourages repeats).
 */
public record RepetitionPenalty(double penalty) implements LogitsProcessor {
    public RepetitionPenalty {
        if (!(penalty > 0)) {
            throw new IllegalArgumentException("penalty must be > 0, got " + penalty);
        }
    }

    @Override
    public void process(float[] logits, int[] context) {
        if (penalty == 1.0) {
            return;
        }
        boolean[] seen = new boolean[logits.length];
        for (int id : context) {
            if (id >= 0 && id < logits.length && !seen[id]) {
                seen[id] = true;
                float logit = logits[id];
                logits[id] = (float) (logit > 0 ? logit / penalty : logit * penalty);
            }
        }
    }
}
