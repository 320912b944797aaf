package io.github.llava4j.miniature.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.miniature.pretrain.MiniatureArchitecture;
import io.github.llava4j.miniature.world.Accuracy;
import io.github.llava4j.miniature.world.QuestionType;
import io.github.llava4j.miniature.world.WorldConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole recipe at CI scale: a world of one object per image, a short run of every step (a few hundred optimizer
 * steps in all). It must produce every artefact and learn to read colours from the image well above chance.
 */
class MiniatureRecipeTest {
    @TempDir Path dir;

    @Test
    void should_run_every_step_and_answer_colours_well_above_chance_on_held_out_images() {
        RecipeConfig config = RecipeConfig.quick(dir.resolve("run")).toBuilder()
                .world(WorldConfig.defaults().toBuilder().objects(1, 1).build())
                .trainImages(400).heldOutImages(40).describedImages(4)
                .clipSteps(150).languageModelSteps(80)
                .stage1Epochs(1).stage2Epochs(1).stage2BatchSize(8).stage2LearningRate(2e-3)
                .ablations(false).progressBar(false)
                .build();

        MiniatureRecipe.Report report = new MiniatureRecipe(config).run();

        assertThat(report.teacher().counts(ResponseType.CONVERSATION).generated()).isEqualTo(400);
        assertThat(report.training()).containsOnlyKeys("stage1", "stage2");
        assertThat(dir.resolve("run/report.md")).content().contains("| full (stage 1 + stage 2) |");
        Evaluator.Result full = report.results().get(0);
        Accuracy colour = full.accuracy().perType().get(QuestionType.COLOUR);
        assertThat(colour.total()).isGreaterThanOrEqualTo(30);
        // 8 colours: chance is 12.5 %
        assertThat(colour.fraction()).as(report.toString()).isGreaterThan(0.4);
    }
}
