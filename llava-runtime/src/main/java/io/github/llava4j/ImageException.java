package io.github.llava4j;

/** An image cannot be decoded, is too large to decode safely, or cannot be turned into pixel values. */
public class ImageException extends LlavaException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
