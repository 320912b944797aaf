package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptionScorerTest {

    private final WorldConfig config = WorldConfig.defaults();
    private final DescriptionScorer scorer = new DescriptionScorer(config);

    @Test
    void should_find_colour_shape_mentions_within_a_phrase() {
        assertThat(scorer.mentions("Two small red circles, a large Blue square and a plus that is orange."))
                .containsExactly("blue square", "red circle");
        assertThat(scorer.mentions("A red, large star")).isEmpty();
        assertThat(scorer.mentions("a green small yellow cross")).containsExactly("yellow cross");
        assertThat(scorer.mentions("a white plus on a grey background")).containsExactly("white cross");
    }

    @Test
    void should_score_precision_recall_and_f1() {
        Scene scene = Fixtures.redCircleBlueSquare();

        DescriptionScore score = scorer.score("A red circle and a green star.", scene);

        assertThat(score.precision()).isEqualTo(0.5);
        assertThat(score.recall()).isEqualTo(0.5);
        assertThat(score.f1()).isEqualTo(0.5);
        assertThat(score.hallucinated()).containsExactly("green star");
        assertThat(score.missed()).containsExactly("blue square");

        DescriptionScore silent = scorer.score("Some shapes.", scene);
        assertThat(silent.precision()).isEqualTo(1.0);
        assertThat(silent.recall()).isZero();
        assertThat(silent.f1()).isZero();

        DescriptionScore.Mean mean = DescriptionScore.mean(List.of(score, silent));
        assertThat(mean.count()).isEqualTo(2);
        assertThat(mean.precision()).isEqualTo(0.75);
        assertThat(mean.recall()).isEqualTo(0.25);
        assertThat(mean.f1()).isCloseTo(0.25, offset(1e-12));
    }

    @Test
    void should_give_every_caption_of_the_world_a_perfect_score() {
        Captioner captioner = new Captioner(config, 4);
        for (Scene scene : new SceneGenerator(config, 4).scenes(0, 100)) {
            for (String caption : captioner.allCaptions(scene)) {
                assertThat(scorer.score(caption, scene).f1()).as(caption).isEqualTo(1.0);
            }
        }
    }
}
