package io.github.llava4j.finetune.judge;

import java.util.Objects;

/**
 * One LLaVA-Bench style question: the image it is about (relative to the image folder), the question, its category
 * ({@code conversation}, {@code detail}, {@code complex}, or any other name), the textual context the judge reads
 * instead of the image (captions and boxes, or a reference description) and the reference answer.
 */
public record BenchQuestion(String questionId, String image, String question, String category, String context,
        String reference) {
    public BenchQuestion {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(reference, "reference");
    }
}
