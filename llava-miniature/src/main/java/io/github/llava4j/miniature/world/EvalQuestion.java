package io.github.llava4j.miniature.world;

import java.util.Objects;

/** A question about scene {@code sceneId} (also its COCO image id) with its one exact answer. */
public record EvalQuestion(long sceneId, QuestionType type, String question, String answer) {

    public EvalQuestion {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }
}
