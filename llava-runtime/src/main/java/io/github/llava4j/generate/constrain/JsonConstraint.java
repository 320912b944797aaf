package io.github.llava4j.generate.constrain;

import io.github.llava4j.generate.LogitsProcessor;
import io.github.llava4j.text.LlavaTokenizer;
import java.util.Objects;

/**
 * Constrained decoding: a {@link LogitsProcessor} that removes every token whose bytes cannot continue a JSON value
 * of the given {@link JsonShape}, so the answer always parses and matches the shape. Once the value is complete, EOS
 * is the only token left, so generation stops right after it.
 *
 * <p><b>One per generation.</b> The constraint follows the answer itself: at its first call it takes the context's
 * length as the prompt length, and on each later call it advances its recogniser over the ids generated since. Make a
 * new one for every request (cheap; share the {@link TokenVocabulary}).
 *
 * <p>With a token budget (the request's {@code maxNewTokens}), a token is also removed when the value could no longer
 * be closed in the tokens left after it (counting one byte per token, which holds for LLaMA's byte-fallback
 * vocabulary, plus one for EOS). The answer then ends with {@code FinishReason.STOP} even from a model that would
 * ramble: strings and numbers are cut short in time, never left open.
 */
public final class JsonConstraint implements LogitsProcessor {
    private final TokenVocabulary vocabulary;
    private final int budget;
    private JsonRecognizer state;
    private int promptLength = -1;
    private int consumed;

    /** No token budget: the caller must allow enough tokens for the model to finish the value. */
    public JsonConstraint(JsonShape shape, TokenVocabulary vocabulary) {
        this(shape, vocabulary, Integer.MAX_VALUE);
    }

    /**
     * @param maxNewTokens the request's token budget (EOS included); the value is always closed within it
     */
    public JsonConstraint(JsonShape shape, TokenVocabulary vocabulary, int maxNewTokens) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        Grammar grammar = Grammar.compile(Objects.requireNonNull(shape, "shape"));
        if (maxNewTokens <= grammar.minLength) {
            throw new IllegalArgumentException("maxNewTokens " + maxNewTokens + " is too small: the shortest value of "
                    + "this shape needs " + grammar.minLength + " tokens plus EOS");
        }
        this.budget = maxNewTokens;
        this.state = JsonRecognizer.start(grammar);
    }

    /** Plain "JSON mode": any JSON object. */
    public static JsonConstraint forAnyJson(TokenVocabulary vocabulary, int maxNewTokens) {
        return new JsonConstraint(JsonShape.freeObject(), vocabulary, maxNewTokens);
    }

    public static JsonConstraint forAnyJson(LlavaTokenizer tokenizer, int maxNewTokens) {
        return forAnyJson(TokenVocabulary.of(tokenizer), maxNewTokens);
    }

    /** The recogniser after the answer so far (for callers that want to know whether the value is complete). */
    public JsonRecognizer state() {
        return state;
    }

    @Override
    public void process(float[] logits, int[] context) {
        if (logits.length < vocabulary.size()) {
            throw new IllegalArgumentException("logits cover " + logits.length + " tokens, the vocabulary has "
                    + vocabulary.size());
        }
        advance(context);
        boolean[] allowed = allowed(context.length - promptLength);
        boolean any = false;
        for (int id = 0; id < logits.length; id++) {
            if (id >= allowed.length || !allowed[id]) {
                logits[id] = Float.NEGATIVE_INFINITY;
            } else if (logits[id] != Float.NEGATIVE_INFINITY) {
                any = true;
            }
        }
        if (!any) {
            throw new IllegalStateException("no token can continue the JSON value after " + consumed
                    + " tokens (or an earlier processor removed all that can)");
        }
    }

    /** Feeds the ids generated since the last call to the recogniser. */
    private void advance(int[] context) {
        if (promptLength < 0) {
            promptLength = context.length;
        }
        while (promptLength + consumed < context.length) {
            int id = context[promptLength + consumed];
            JsonRecognizer next = id >= 0 && id < vocabulary.size() && vocabulary.bytes(id).length > 0
                    ? state.accept(vocabulary.bytes(id))
                    : null;
            if (next == null) {
                throw new IllegalStateException("generated token " + id + " at answer position " + consumed
                        + " does not continue the JSON value; was this constraint reused across requests?");
            }
            state = next;
            consumed++;
        }
    }

    /** Which tokens may come next, given that {@code generated} tokens are already spent. */
    boolean[] allowed(int generated) {
        boolean[] allowed = new boolean[vocabulary.size()];
        if (state.isComplete()) {
            for (int eos : vocabulary.eosIds()) {
                allowed[eos] = true;
            }
            return allowed;
        }
        // After this token, (budget - generated - 1) tokens remain: enough for the closing bytes and EOS.
        long limit = budget == Integer.MAX_VALUE ? Integer.MAX_VALUE : (long) budget - generated - 2;
        walk(0, state, allowed, limit);
        return allowed;
    }

    private void walk(int node, JsonRecognizer at, boolean[] allowed, long limit) {
        byte[] labels = vocabulary.childBytes[node];
        int[] children = vocabulary.childNodes[node];
        for (int k = 0; k < labels.length; k++) {
            JsonRecognizer next = at.accept(labels[k]);
            if (next == null) {
                continue;
            }
            int child = children[k];
            int[] ending = vocabulary.tokensAt[child];
            if (ending.length > 0 && next.minRemaining() <= limit) {
                for (int id : ending) {
                    allowed[id] = true;
                }
            }
            walk(child, next, allowed, limit);
        }
    }

    @Override
    public String toString() {
        return "JsonConstraint[" + consumed + " tokens, complete=" + state.isComplete() + "]";
    }
}
