package io.github.llava4j.finetune.teacher;

import java.util.List;
import java.util.Objects;

/**
 * The symbolic description of one image the teacher reads instead of the pixels: its captions and object boxes.
 * {@code fileName} is the image path relative to the image folder; it becomes the generated samples' {@code image}.
 */
public record ImageAnnotation(String imageId, String fileName, List<String> captions, List<ObjectBox> boxes) {
    public ImageAnnotation {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(fileName, "fileName");
        captions = List.copyOf(captions);
        boxes = List.copyOf(boxes);
    }
}
