package io.github.llava4j.generate;

/** Why generation ended. */
public enum FinishReason {
    /** An EOS token or a stop string. */
    STOP,
    /** maxNewTokens was reached (or the context is full). */
    LENGTH,
    /** The listener asked to stop ({@link GenerationListener#cancelled()}). */
    CANCELLED
}
