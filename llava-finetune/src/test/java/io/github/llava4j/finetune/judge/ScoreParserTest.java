package io.github.llava4j.finetune.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScoreParserTest {
    private static ScoreParser.Scores scores(double a, double b) {
        return new ScoreParser.Scores(a, b);
    }

    @Test
    void should_read_the_first_line_in_its_usual_forms() {
        assertThat(ScoreParser.parse("8 7\nAssistant 1 was better.")).contains(scores(8, 7));
        assertThat(ScoreParser.parse("9,6\nbecause")).contains(scores(9, 6));
        assertThat(ScoreParser.parse("8/10 7/10")).contains(scores(8, 7));
        assertThat(ScoreParser.parse("Assistant 1: 8, Assistant 2: 6.5")).contains(scores(8, 6.5));
        assertThat(ScoreParser.parse("\n\n**Scores: 10 3**\nexplanation 1 2 3")).contains(scores(10, 3));
    }

    @Test
    void should_refuse_replies_without_exactly_two_scores_on_the_first_line() {
        assertThat(ScoreParser.parse("Assistant 2 is clearly better.\n8 7")).isEmpty(); // scores not on line 1
        assertThat(ScoreParser.parse("8")).isEmpty();
        assertThat(ScoreParser.parse("8 7 6")).isEmpty();
        assertThat(ScoreParser.parse("80 70")).isEmpty();
        assertThat(ScoreParser.parse("")).isEmpty();
        assertThat(ScoreParser.parse(null)).isEmpty();
    }
}
