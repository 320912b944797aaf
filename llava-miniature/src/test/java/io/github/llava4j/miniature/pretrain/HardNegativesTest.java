package io.github.llava4j.miniature.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.miniature.world.Captioner;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneGenerator;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.Shape;
import io.github.llava4j.miniature.world.WorldConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class HardNegativesTest {
    private final WorldConfig world = WorldConfig.defaults();
    private final HardNegatives negatives = new HardNegatives(world.shapes(), 3);
    private final List<Scene> scenes = new SceneGenerator(world, 3).scenes(0, 200);

    @Test
    void should_change_only_shapes_keeping_id_colours_sizes_boxes_and_background() {
        for (Scene scene : scenes) {
            List<Scene> edits = negatives.of(scene, 3);

            assertThat(edits).hasSize(3).doesNotContain(scene);
            assertThat(new HashSet<>(edits)).hasSize(3);
            for (Scene edit : edits) {
                assertThat(edit.id()).isEqualTo(scene.id());
                assertThat(edit.background()).isEqualTo(scene.background());
                assertThat(edit.objects()).hasSameSizeAs(scene.objects());
                for (int i = 0; i < scene.objects().size(); i++) {
                    SceneObject before = scene.objects().get(i);
                    SceneObject after = edit.objects().get(i);
                    assertThat(after.colour()).isEqualTo(before.colour());
                    assertThat(after.size()).isEqualTo(before.size());
                    assertThat(after.box()).isEqualTo(before.box());
                }
            }
        }
    }

    @Test
    void should_change_one_shape_in_even_edits_and_swap_two_differently_coloured_shapes_in_odd_ones() {
        int swaps = 0;
        for (Scene scene : scenes) {
            List<Scene> edits = negatives.of(scene, 2);
            assertThat(changed(scene, edits.get(0))).hasSize(1);
            List<Integer> second = changed(scene, edits.get(1));
            if (second.size() == 2) {
                SceneObject a = scene.objects().get(second.get(0));
                SceneObject b = scene.objects().get(second.get(1));
                assertThat(edits.get(1).objects().get(second.get(0)).shape()).isEqualTo(b.shape());
                assertThat(edits.get(1).objects().get(second.get(1)).shape()).isEqualTo(a.shape());
                assertThat(a.colour()).isNotEqualTo(b.colour());
                swaps++;
            } else {
                assertThat(second).hasSize(1);
            }
        }
        assertThat(swaps).isGreaterThan(50);
    }

    @Test
    void should_give_captions_that_differ_from_the_original_in_every_template() {
        Captioner captioner = new Captioner(world, 3);
        for (Scene scene : scenes.subList(0, 50)) {
            List<String> original = captioner.captions(scene);
            for (Scene edit : negatives.of(scene, 3)) {
                List<String> captions = captioner.captions(edit);
                for (int t = 0; t < original.size(); t++) {
                    // the same template (the edit keeps the scene's id), other shape words
                    assertThat(captions.get(t)).isNotEqualTo(original.get(t));
                }
            }
        }
    }

    @Test
    void should_be_a_function_of_seed_and_scene() {
        Scene scene = scenes.get(7);
        assertThat(new HardNegatives(world.shapes(), 3).of(scene, 3)).isEqualTo(negatives.of(scene, 3));
        assertThat(new HardNegatives(world.shapes(), 4).of(scene, 5)).isNotEqualTo(negatives.of(scene, 5));
    }

    @Test
    void should_explain_when_edits_run_out_or_shapes_are_too_few() {
        Scene single = scenes.stream().filter(s -> s.objects().size() == 1).findFirst().orElseThrow();
        assertThat(negatives.of(single, 5)).hasSize(5); // every other shape once
        assertThatThrownBy(() -> negatives.of(single, 6))
                .hasMessageContaining("could not find 6 distinct edits among 6 shapes");
        assertThatThrownBy(() -> new HardNegatives(List.of(Shape.STAR), 1))
                .hasMessageContaining("need two or more shapes");
    }

    private static List<Integer> changed(Scene a, Scene b) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < a.objects().size(); i++) {
            if (a.objects().get(i).shape() != b.objects().get(i).shape()) {
                indices.add(i);
            }
        }
        return indices;
    }
}
