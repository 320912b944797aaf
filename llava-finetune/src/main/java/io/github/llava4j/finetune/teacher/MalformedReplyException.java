package io.github.llava4j.finetune.teacher;

/** A teacher reply that does not have the format its prompt asked for; the generator counts and skips it. */
public final class MalformedReplyException extends RuntimeException {
    public MalformedReplyException(String message) {
        super(message);
    }
}
