package io.github.llava4j.miniature.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.miniature.pretrain.MiniatureArchitecture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecipeConfigTest {
    private final RecipeConfig defaults = RecipeConfig.defaults(Path.of("run"));

    @Test
    void should_put_the_default_world_on_the_vision_towers_patch_grid() {
        assertThat(defaults.world().grid()).isEqualTo(defaults.architecture().patchSize());
        assertThat(defaults.clipHardNegatives()).isPositive();
    }

    @Test
    void should_refuse_a_world_grid_other_than_the_patch_size() {
        MiniatureArchitecture d = MiniatureArchitecture.defaults();
        MiniatureArchitecture patch8 = new MiniatureArchitecture(d.imageSize(), 8, d.visionHidden(),
                d.visionLayers(), d.visionHeads(), d.visionIntermediate(), d.visionFeatureLayer(), d.projector(),
                d.textHidden(), d.textLayers(), d.textHeads(), d.textKvHeads(), d.textIntermediate(),
                d.maxPositions(), d.ropeTheta());

        assertThatThrownBy(() -> defaults.toBuilder().architecture(patch8).build())
                .hasMessage("the world's grid (16 px) must be 0 or the vision tower's patch size (8 px)");
        assertThat(defaults.toBuilder().architecture(patch8)
                .world(defaults.world().toBuilder().grid(0).build()).build().world().grid()).isZero();
    }

    @Test
    void should_refuse_a_negative_number_of_hard_negatives() {
        assertThatThrownBy(() -> defaults.toBuilder().clipHardNegatives(-1).build())
                .hasMessage("clipHardNegatives must be >= 0, got -1");
    }
}
