package io.github.llava4j.finetune.masking;

import java.util.Locale;

/** The conversation formats of the reference train.py ({@code --version}) that llava4j can mask. */
public enum Template {
    /** {@code preprocess_plain}: stage 1 of LLaVA-1.5, {@code <image>} + caption + {@code "\n"}. */
    PLAIN,
    /** {@code preprocess_v1} with {@code vicuna_v1}: {@code "<system> USER: q ASSISTANT: a</s>..."}. */
    V1,
    /** The paper's {@code ###} format (the generic {@code preprocess} branch with {@code conv_vicuna_v0}). */
    V0;

    /** Parses {@code plain}, {@code v1} or {@code v0} (any case). */
    public static Template parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown template '" + name + "', expected plain, v1 or v0");
        }
    }
}
