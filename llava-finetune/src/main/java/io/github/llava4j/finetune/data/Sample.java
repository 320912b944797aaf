package io.github.llava4j.finetune.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One entry of a LLaVA training JSON file; {@code image} is relative to the image root, absent for text-only. */
public record Sample(String id, Optional<String> image, List<Turn> conversations) {
    public Sample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        conversations = List.copyOf(conversations);
    }
}
