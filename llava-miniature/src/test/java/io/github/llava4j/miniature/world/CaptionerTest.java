package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionerTest {

    @Test
    void should_describe_a_hand_made_scene_in_every_template() {
        List<String> captions = new Captioner(5, 0).allCaptions(Fixtures.redCircleBlueSquare());

        assertThat(captions).hasSize(Captioner.TEMPLATES).doesNotHaveDuplicates();
        assertThat(captions.get(0)).isIn("A small red circle and a large blue square on a gray background.",
                "A large blue square and a small red circle on a gray background.");
        assertThat(captions.get(1)).startsWith("Two shapes: ");
        assertThat(captions.get(3))
                .contains("a small red circle in the top left", "large blue square in the bottom right");
        assertThat(captions.get(4)).startsWith("There are two shapes on a gray background: ");
        assertThat(captions).allSatisfy(c -> assertThat(c).contains("red circle", "blue square").endsWith("."));
    }

    @Test
    void should_count_repeated_categories_and_use_an_before_vowels() {
        Scene scene = new Scene(1, 64, List.of(
                        Fixtures.object(Shape.CROSS, Colour.ORANGE, Size.SMALL, 4, 4, 12),
                        Fixtures.object(Shape.CROSS, Colour.ORANGE, Size.SMALL, 40, 40, 12),
                        Fixtures.object(Shape.STAR, Colour.WHITE, Size.SMALL, 4, 40, 12)),
                new Background(Colour.BEIGE, Texture.NOISE, 8, 0));

        String caption = new Captioner(5, 0).allCaptions(scene).get(2);

        assertThat(caption).contains("two small orange crosses", "a small white star").startsWith("An image of ");
        assertThat(new Captioner(5, 0).allCaptions(scene).get(5)).startsWith("A speckled beige background with ");
    }

    @Test
    void should_give_distinct_seeded_captions_per_image() {
        WorldConfig config = WorldConfig.defaults();
        Captioner captioner = new Captioner(config, 3);
        for (Scene scene : new SceneGenerator(config, 3).scenes(0, 50)) {
            List<String> captions = captioner.captions(scene);

            assertThat(captions).hasSize(config.captionsPerImage()).doesNotHaveDuplicates();
            assertThat(new Captioner(config, 3).captions(scene)).isEqualTo(captions);
        }
    }

    @Test
    void should_write_boxes_as_the_paper_does() {
        assertThat(Captioner.boxes(Fixtures.redCircleBlueSquare()))
                .containsExactly(
                        "red circle: [0.063, 0.063, 0.250, 0.250]", "blue square: [0.594, 0.594, 0.938, 0.938]");
    }
}
