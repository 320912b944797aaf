package io.github.llava4j;

import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.text.Conversation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One generation request: a conversation whose user turns reference images, the images' encoded bytes (PNG,
 * JPEG, ...) in the order the turns reference them, an optional template name and the sampling settings.
 */
public record LlavaRequest(
        Conversation conversation, List<byte[]> images, Optional<String> template, GenerationConfig generation) {

    public LlavaRequest {
        Objects.requireNonNull(conversation, "conversation");
        images = List.copyOf(images);
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(generation, "generation");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Conversation conversation;
        private final List<byte[]> images = new ArrayList<>();
        private String template;
        private GenerationConfig generation = GenerationConfig.builder().build();

        public Builder conversation(Conversation conversation) {
            this.conversation = conversation;
            return this;
        }

        /** Adds an image; images are matched to the conversation's image placeholders in order. */
        public Builder image(byte[] encodedImage) {
            images.add(Objects.requireNonNull(encodedImage, "image"));
            return this;
        }

        public Builder images(List<byte[]> encodedImages) {
            encodedImages.forEach(this::image);
            return this;
        }

        public Builder template(String template) {
            this.template = template;
            return this;
        }

        public Builder generation(GenerationConfig generation) {
            this.generation = generation;
            return this;
        }

        public LlavaRequest build() {
            return new LlavaRequest(conversation, images, Optional.ofNullable(template), generation);
        }
    }
}
