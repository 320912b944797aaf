package io.github.llava4j.miniature.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.miniature.pretrain.ImageRegion;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneGenerator;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.WorldConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PretrainingTest {

    @Test
    void should_give_the_clip_one_region_per_object_named_with_its_size_colour_shape_and_place() {
        for (Scene scene : new SceneGenerator(WorldConfig.defaults(), 3).scenes(1, 50)) {
            List<ImageRegion> regions = Pretraining.regions(scene);
            assertThat(regions).hasSameSizeAs(scene.objects());
            for (int i = 0; i < regions.size(); i++) {
                SceneObject o = scene.objects().get(i);
                assertThat(regions.get(i).box()).isEqualTo(o.normalizedBox());
                assertThat(regions.get(i).phrase()).contains(o.size().label() + " " + o.colour().name() + " "
                        + o.shape().label()).endsWith(o.position().phrase());
            }
        }
    }
}
