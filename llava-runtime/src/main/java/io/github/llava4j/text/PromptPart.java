package io.github.llava4j.text;

/** A piece of a rendered prompt: text, a special token the template writes (e.g. "</s>"), or an image slot. */
sealed interface PromptPart {
    record Text(String text) implements PromptPart {}

    record Special(String content) implements PromptPart {}

    record Image() implements PromptPart {}
}
