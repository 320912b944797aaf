package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {

    private final WorldConfig config = WorldConfig.defaults();

    @Test
    void should_generate_the_same_scenes_and_pixels_for_the_same_seed() {
        SceneGenerator a = new SceneGenerator(config, 42);
        SceneGenerator b = new SceneGenerator(config, 42);
        SceneRenderer renderer = new SceneRenderer();

        for (long i = 0; i < 20; i++) {
            assertThat(b.scene(i)).isEqualTo(a.scene(i));
            assertThat(renderer.png(b.scene(i))).isEqualTo(renderer.png(a.scene(i)));
        }
    }

    @Test
    void should_generate_different_scenes_for_a_different_seed() {
        List<Scene> a = new SceneGenerator(config, 1).scenes(0, 20);
        List<Scene> b = new SceneGenerator(config, 2).scenes(0, 20);

        long same = 0;
        for (int i = 0; i < a.size(); i++) {
            same += a.get(i).objects().equals(b.get(i).objects()) ? 1 : 0;
        }
        assertThat(same).isZero();
    }

    @Test
    void should_make_scene_i_depend_only_on_seed_and_i() {
        SceneGenerator generator = new SceneGenerator(config, 7);

        Scene alone = new SceneGenerator(config, 7).scene(13);

        assertThat(generator.scenes(10, 5).get(3)).isEqualTo(alone);
        assertThat(alone.id()).isEqualTo(13);
        assertThat(generator.scene(14)).isNotEqualTo(alone);
    }

    @Test
    void should_keep_counts_in_range_and_boxes_apart_inside_the_image() {
        for (WorldConfig c : List.of(config, config.toBuilder().objects(3, 4).build(),
                config.toBuilder().objects(1, 1).imageSize(32).grid(0).build(), config.toBuilder().grid(0).build())) {
            int border = c.grid() > 0 ? c.margin() / 2 : c.margin();
            for (Scene scene : new SceneGenerator(c, 3).scenes(0, 300)) {
                List<SceneObject> objects = scene.objects();
                assertThat(objects.size()).isBetween(c.minObjects(), c.maxObjects());
                for (int i = 0; i < objects.size(); i++) {
                    PixelBox box = objects.get(i).box();
                    assertThat(box.x()).isGreaterThanOrEqualTo(border);
                    assertThat(box.y()).isGreaterThanOrEqualTo(border);
                    assertThat(box.right()).isLessThanOrEqualTo(c.imageSize() - border);
                    assertThat(box.bottom()).isLessThanOrEqualTo(c.imageSize() - border);
                    assertThat(box.width()).isEqualTo(box.height());
                    for (int j = i + 1; j < objects.size(); j++) {
                        assertThat(box.separatedFrom(objects.get(j).box(), c.margin()))
                                .as("scene %d objects %d and %d", scene.id(), i, j)
                                .isTrue();
                    }
                }
            }
        }
    }

    @Test
    void should_use_every_shape_colour_size_background_and_texture() {
        Set<Object> seen = new HashSet<>();
        for (Scene scene : new SceneGenerator(config, 5).scenes(0, 400)) {
            seen.add(scene.background().colour());
            seen.add(scene.background().texture());
            scene.objects().forEach(o -> {
                seen.add(o.shape());
                seen.add(o.colour());
                seen.add(o.size());
            });
        }

        assertThat(seen).containsAll(config.shapes()).containsAll(config.colours())
                .containsAll(config.backgrounds()).containsAll(config.textures())
                .contains(Size.SMALL, Size.LARGE);
    }

    @Test
    void should_size_small_and_large_objects_by_their_fraction_ranges() {
        for (Scene scene : new SceneGenerator(config, 9).scenes(0, 200)) {
            for (SceneObject o : scene.objects()) {
                double fraction = (double) o.box().width() / scene.imageSize();
                assertThat(fraction).isBetween(o.size().minFraction() - 0.01, o.size().maxFraction() + 0.01);
            }
        }
    }

    @Test
    void should_put_each_object_in_a_block_of_whole_grid_cells_with_one_side_per_size_class() {
        assertThat(config.grid()).isEqualTo(16);
        Set<Integer> columns = new HashSet<>();
        for (Scene scene : new SceneGenerator(config, 4).scenes(0, 300)) {
            for (SceneObject o : scene.objects()) {
                PixelBox box = o.box();
                assertThat((box.x() - config.margin() / 2) % config.grid()).as("x of %s", box).isZero();
                assertThat((box.y() - config.margin() / 2) % config.grid()).as("y of %s", box).isZero();
                assertThat(box.width()).isEqualTo(
                        SceneGenerator.gridSide(o.size(), config.imageSize(), config.grid(), config.margin()));
                columns.add(box.x() / config.grid());
            }
        }
        // 64 px, margin 2: small objects fill one cell (side 14), large ones 2x2 (side 30), anywhere on the 4x4 grid
        assertThat(SceneGenerator.gridSide(Size.SMALL, 64, 16, 2)).isEqualTo(14);
        assertThat(SceneGenerator.gridSide(Size.LARGE, 64, 16, 2)).isEqualTo(30);
        assertThat(columns).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void should_fail_with_a_clear_message_when_objects_cannot_fit() {
        WorldConfig crowded = config.toBuilder().imageSize(16).grid(0).objects(9, 9).margin(3).build();

        assertThatThrownBy(() -> new SceneGenerator(crowded, 0).scene(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not place 9 objects in 16 px");
    }
}
