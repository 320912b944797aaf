package io.github.llava4j.miniature.world;

import java.util.Map;

/** Exact-answer accuracy per question type (types without questions are absent) and over all questions. */
public record AccuracyReport(Map<QuestionType, Accuracy> perType, Accuracy overall) {

    public AccuracyReport {
        perType = Map.copyOf(perType);
    }
}
