package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorldConfigTest {

    @Test
    void should_default_to_a_64_px_world_of_one_to_four_objects() {
        WorldConfig config = WorldConfig.defaults();

        assertThat(config.imageSize()).isEqualTo(64);
        assertThat(config.minObjects()).isEqualTo(1);
        assertThat(config.maxObjects()).isEqualTo(4);
        assertThat(config.shapes()).hasSize(6);
        assertThat(config.colours()).hasSize(8);
        assertThat(config.margin()).isEqualTo(2);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void should_keep_every_default_colour_distinct_from_the_others_and_the_backgrounds() {
        List<Colour> colours = Colour.OBJECT_COLOURS;
        for (int i = 0; i < colours.size(); i++) {
            for (int j = i + 1; j < colours.size(); j++) {
                assertThat(colours.get(i).distance(colours.get(j))).isGreaterThanOrEqualTo(70);
            }
            for (Colour background : Colour.BACKGROUND_COLOURS) {
                assertThat(colours.get(i).distance(background)).isGreaterThanOrEqualTo(70);
            }
        }
    }

    @Test
    void should_reject_a_background_close_to_an_object_colour() {
        Colour pinkish = new Colour("pinkish", 210, 60, 60);

        assertThatThrownBy(() -> WorldConfig.builder().backgrounds(List.of(pinkish)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("background pinkish and object colour red");
    }

    @Test
    void should_reject_bad_counts_sizes_and_duplicates() {
        assertThatThrownBy(() -> WorldConfig.builder().objects(3, 2).build())
                .hasMessageContaining("minObjects=3, maxObjects=2");
        assertThatThrownBy(() -> WorldConfig.builder().imageSize(8).build()).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> WorldConfig.builder().shapes(List.of(Shape.STAR, Shape.STAR)).build())
                .hasMessageContaining("shapes must not repeat");
        assertThatThrownBy(() -> WorldConfig.builder().captionsPerImage(7).build())
                .hasMessageContaining("captionsPerImage");
    }

    @Test
    void should_reject_a_grid_that_does_not_divide_the_image_or_cannot_hold_a_size_class() {
        assertThatThrownBy(() -> WorldConfig.builder().grid(7).build())
                .hasMessageContaining("grid must be 0 or divide imageSize 64, got 7");
        assertThatThrownBy(() -> WorldConfig.builder().imageSize(48).grid(16).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a grid of 16 px cannot hold SMALL objects");
        assertThat(WorldConfig.builder().imageSize(48).grid(0).build().grid()).isZero();
    }
}
