package io.github.llava4j.finetune.teacher;

import java.util.Objects;

/** One object of an image: its category and box, normalised to [0, 1] by the image size (top-left, bottom-right). */
public record ObjectBox(String category, double x1, double y1, double x2, double y2) {
    public ObjectBox {
        Objects.requireNonNull(category, "category");
    }

    /** From a COCO pixel box {@code [x, y, w, h]} in an image of {@code width} x {@code height}, clamped to [0, 1]. */
    public static ObjectBox fromPixels(String category, double x, double y, double w, double h, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        return new ObjectBox(category, clamp(x / width), clamp(y / height), clamp((x + w) / width),
                clamp((y + h) / height));
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
