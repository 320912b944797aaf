package io.github.llava4j.text;

/**
 * A piece of a rendered prompt. The kinds keep apart what must never be confused: {@link Text} (template words and
 * user/assistant text, always tokenized as plain text, so a typed {@code </s>} stays text), {@link Special} (a special
 * token the template itself writes, such as vicuna_v1's {@code </s>} after an answer: becomes its real id) and
 * {@link Image} (one image slot: becomes one image-token id, which the model expands to the image's feature rows).
 */
public sealed interface PromptSegment {
    /** Text tokenized as text; never becomes a special token. */
    record Text(String text) implements PromptSegment {
        public Text {
            java.util.Objects.requireNonNull(text, "text");
        }
    }

    /** A special token written by the template, by its content (e.g. {@code "</s>"}). */
    record Special(String content) implements PromptSegment {
        public Special {
            java.util.Objects.requireNonNull(content, "content");
        }
    }

    /** One image placeholder. */
    record Image() implements PromptSegment {}
}
