package io.github.llava4j.generate;

/**
 * Receives the answer while it is generated. Called on the generating thread, in order; the concatenation of all
 * deltas equals the final text.
 */
@FunctionalInterface
public interface GenerationListener {
    /**
     * @param delta text that became final with this token; empty while a multi-byte character or a possible stop
     *     string is held back
     * @param token the token just generated
     */
    void onToken(String delta, TokenInfo token);

    /**
     * Polled after each {@link #onToken}; returning true ends generation with {@link FinishReason#CANCELLED} before
     * the next model step. Text still held back (a possible stop-string prefix) is not released then.
     */
    default boolean cancelled() {
        return false;
    }

    GenerationListener NONE = (delta, token) -> {};
}
