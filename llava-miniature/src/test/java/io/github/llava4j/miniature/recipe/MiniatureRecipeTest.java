package io.github.llava4j.miniature.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.train.MetricsLog;
import io.github.llava4j.finetune.train.StepMetrics;
import io.github.llava4j.finetune.train.TrainerConfig;
import io.github.llava4j.miniature.world.Accuracy;
import io.github.llava4j.miniature.world.QuestionType;
import io.github.llava4j.miniature.world.WorldConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole recipe at CI scale: a world of one or two objects per image and a short run of every step. It must produce
 * every artefact, the teacher must write every sample, stage 2 must learn its data, and the evaluation must cover every
 * question type; a somewhat longer run on lone objects must read their colours well above chance.
 */
class MiniatureRecipeTest {
    @TempDir Path dir;

    @Test
    void should_run_every_step_from_world_to_evaluation() {
        RecipeConfig config = ciScale(1, 2)
                .trainImages(160).heldOutImages(20)
                .clipSteps(60).languageModelSteps(40).stage2Epochs(1)
                .build();

        MiniatureRecipe.Report report = new MiniatureRecipe(config).run();

        for (ResponseType type : ResponseType.values()) {
            assertThat(report.teacher().counts(type).generated()).as(type.name()).isEqualTo(160);
        }
        assertThat(report.training()).containsOnlyKeys("stage1", "stage2");
        List<StepMetrics> stage2 = MetricsLog.read(report.training().get("stage2").metrics());
        assertThat(stage2).hasSize(60);
        assertThat(stage2.get(stage2.size() - 1).loss()).isLessThan(stage2.get(0).loss() / 4);
        assertThat(dir.resolve("run/report.md")).content().contains("| full (stage 1 + stage 2) |");
        assertThat(dir.resolve("run/stage2/model/model.safetensors")).isRegularFile();
        Evaluator.Result full = report.results().get(0);
        assertThat(full.answers()).hasSize(full.accuracy().overall().total()).doesNotContain("");
        assertThat(full.accuracy().perType().keySet()).contains(QuestionType.COLOUR, QuestionType.SHAPE,
                QuestionType.COUNT);
        // scenes of one or two objects: the full model's questions split by that count, none lost
        assertThat(report.fullByObjects().keySet()).containsExactly(1, 2);
        assertThat(report.fullByObjects().values().stream().mapToInt(a -> a.overall().total()).sum())
                .isEqualTo(full.accuracy().overall().total());
        assertThat(dir.resolve("run/report.md")).content().contains("| objects |");
        assertThat(dir.resolve("run/report.json")).content().contains("\"full_by_objects\"");
    }

    /**
     * A short run (900 stage-2 steps; 3 minutes in all) must read held-out images well above chance. At this scale
     * only the colour of a lone object is learnt that fast: 40 of 40 when measured (docs/miniature.md), chance is 1 in
     * 8; shapes and positions need far more steps.
     */
    @Test
    void should_read_a_lone_objects_colour_well_above_chance_after_a_short_run() {
        RecipeConfig config = ciScale(1, 1)
                .trainImages(400).heldOutImages(40)
                .clipSteps(100).languageModelSteps(200).stage2Epochs(6)
                .build();

        MiniatureRecipe.Report report = new MiniatureRecipe(config).run();

        Accuracy colour = report.results().get(0).accuracy().perType().get(QuestionType.COLOUR);
        assertThat(colour.total()).isGreaterThanOrEqualTo(30);
        assertThat(colour.fraction()).as(colour.toString()).isGreaterThanOrEqualTo(0.5);
    }

    /** The quick recipe with min..max objects per image, one stage-1 epoch, no ablation and no progress bar. */
    private RecipeConfig.Builder ciScale(int minObjects, int maxObjects) {
        return RecipeConfig.quick(dir.resolve("run")).toBuilder()
                .world(WorldConfig.defaults().toBuilder().objects(minObjects, maxObjects).build())
                .describedImages(3).stage1Epochs(1).stage2BatchSize(8)
                .ablations(false).progressBar(false);
    }

    @Test
    void should_train_the_projector_at_its_own_rate_in_stage_2() {
        RecipeConfig config = RecipeConfig.quick(dir.resolve("run")).toBuilder()
                .stage2LearningRate(5e-4).stage2ProjectorLearningRate(2e-3).build();

        TrainerConfig stage2 = new MiniatureRecipe(config).stage2(dir.resolve("model"), dir.resolve("data.json"),
                dir.resolve("images"), dir.resolve("stage2"));

        assertThat(stage2.learningRate()).isEqualTo(5e-4);
        assertThat(stage2.projectorLearningRate()).contains(2e-3);
    }
}
