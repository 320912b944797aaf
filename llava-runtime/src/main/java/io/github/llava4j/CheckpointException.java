package io.github.llava4j;

/** A checkpoint folder or file is missing, malformed, or does not match the model it claims to be. */
public class CheckpointException extends LlavaException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
