package io.github.llava4j;

/** Base of every error llava4j raises on purpose; the message always names what was wrong and where. */
public class LlavaException extends RuntimeException {
    public LlavaException(String message) {
        super(message);
    }

    public LlavaException(String message, Throwable cause) {
        super(message, cause);
    }
}
