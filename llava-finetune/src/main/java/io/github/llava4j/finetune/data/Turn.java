package io.github.llava4j.finetune.data;

import java.util.Objects;

/** One conversation turn of a LLaVA training sample: {@code role} is {@code "human"} or {@code "gpt"}. */
public record Turn(String role, String value) {
    public static final String HUMAN = "human";
    public static final String GPT = "gpt";

    public Turn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(value, "value");
    }
}
