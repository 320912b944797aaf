package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerScorerTest {

    private final AnswerScorer scorer = new AnswerScorer();

    @Test
    void should_accept_answers_modulo_case_punctuation_articles_and_number_words() {
        assertThat(scorer.isCorrect("Red.", "red")).isTrue();
        assertThat(scorer.isCorrect("The red one", "red")).isTrue();
        assertThat(scorer.isCorrect("two", "2")).isTrue();
        assertThat(scorer.isCorrect("There are two shapes.", "2")).isTrue();
        assertThat(scorer.isCorrect("None", "0")).isTrue();
        assertThat(scorer.isCorrect("Yes, it is.", "yes")).isTrue();
        assertThat(scorer.isCorrect("It's a circle", "circle")).isTrue();
        assertThat(scorer.isCorrect("In the top left.", "top left")).isFalse();
        assertThat(scorer.isCorrect("Top-left", "top left")).isTrue();
        assertThat(scorer.isCorrect("centre", "center")).isTrue();
        assertThat(scorer.isCorrect("grey", "gray")).isTrue();
    }

    @Test
    void should_reject_wrong_or_longer_answers() {
        assertThat(scorer.isCorrect("blue", "red")).isFalse();
        assertThat(scorer.isCorrect("3", "2")).isFalse();
        assertThat(scorer.isCorrect("no", "yes")).isFalse();
        assertThat(scorer.isCorrect("top left", "top")).isFalse();
        assertThat(scorer.isCorrect("", "red")).isFalse();
        assertThat(scorer.isCorrect("The circle is red", "red")).isFalse();
    }

    @Test
    void should_count_accuracy_per_type_and_overall() {
        List<EvalQuestion> questions = List.of(
                new EvalQuestion(1, QuestionType.COLOUR, "What colour is the circle?", "red"),
                new EvalQuestion(1, QuestionType.COLOUR, "What colour is the star?", "blue"),
                new EvalQuestion(1, QuestionType.COUNT, "How many shapes are there?", "2"),
                new EvalQuestion(2, QuestionType.RELATION, "Is the red circle above the blue star?", "no"));

        AccuracyReport report = scorer.score(questions, List.of("red", "green", "two", "No."));

        assertThat(report.perType().get(QuestionType.COLOUR)).isEqualTo(new Accuracy(1, 2));
        assertThat(report.perType().get(QuestionType.COUNT)).isEqualTo(new Accuracy(1, 1));
        assertThat(report.perType().get(QuestionType.RELATION)).isEqualTo(new Accuracy(1, 1));
        assertThat(report.perType()).doesNotContainKey(QuestionType.POSITION);
        assertThat(report.overall()).isEqualTo(new Accuracy(3, 4));
        assertThat(report.overall().fraction()).isEqualTo(0.75);
        assertThat(new Accuracy(0, 0).fraction()).isZero();
    }

    @Test
    void should_score_each_group_of_questions_apart_in_key_order() {
        List<EvalQuestion> questions = List.of(
                new EvalQuestion(7, QuestionType.SHAPE, "What shape is the red object?", "circle"),
                new EvalQuestion(3, QuestionType.COLOUR, "What colour is the star?", "blue"),
                new EvalQuestion(7, QuestionType.COLOUR, "What colour is the circle?", "red"),
                new EvalQuestion(3, QuestionType.COUNT, "How many shapes are there?", "2"));

        var byScene = scorer.scoreBy(questions, List.of("Square", "blue", "red", "2"), EvalQuestion::sceneId);

        assertThat(byScene.keySet()).containsExactly(3L, 7L);
        assertThat(byScene.get(3L).overall()).isEqualTo(new Accuracy(2, 2));
        assertThat(byScene.get(7L).overall()).isEqualTo(new Accuracy(1, 2));
        assertThat(byScene.get(7L).perType().get(QuestionType.SHAPE)).isEqualTo(new Accuracy(0, 1));
        assertThatThrownBy(() -> scorer.scoreBy(questions, List.of("blue"), EvalQuestion::sceneId))
                .hasMessageContaining("got 1 for 4");
    }

    @Test
    void should_require_one_prediction_per_question() {
        assertThatThrownBy(() -> scorer.score(
                        List.of(new EvalQuestion(1, QuestionType.COUNT, "How many shapes are there?", "1")), List.of()))
                .hasMessageContaining("got 0 for 1");
    }
}
