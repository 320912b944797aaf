package io.github.llava4j.finetune.teacher;

import java.util.Objects;

/** One question and its answer parsed from a teacher reply. */
public record QaPair(String question, String answer) {
    public QaPair {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }
}
