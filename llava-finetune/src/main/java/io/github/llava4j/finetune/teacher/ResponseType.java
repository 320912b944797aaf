package io.github.llava4j.finetune.teacher;

import java.util.Locale;

/**
 * The three kinds of instruction data LLaVA asks its teacher for (paper §3). The {@link #id()} is the suffix of the
 * generated sample ids ({@code <image_id>_<id>}) and the category name of LLaVA-Bench questions.
 */
public enum ResponseType {
    /** A multi-turn conversation about the image; the teacher sees captions only. */
    CONVERSATION("conversation"),
    /** One detailed description; the teacher sees captions and boxes. */
    DETAIL("detail"),
    /** One question needing reasoning beyond the visible content, with its answer; captions and boxes. */
    COMPLEX("complex");

    private final String id;

    ResponseType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether the teacher's context includes the object boxes (LLaVA gives conversation captions only). */
    public boolean usesBoxes() {
        return this != CONVERSATION;
    }

    /** Parses {@code conversation}/{@code conv}, {@code detail}, {@code complex} (any case). */
    public static ResponseType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "conversation", "conv" -> CONVERSATION;
            case "detail", "detail_description", "detailed" -> DETAIL;
            case "complex", "complex_reasoning" -> COMPLEX;
            default -> throw new IllegalArgumentException(
                    "unknown response type '" + name + "', expected conversation, detail or complex");
        };
    }
}
