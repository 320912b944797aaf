package io.github.llava4j.miniature.recipe;

import io.github.llava4j.miniature.pretrain.MiniatureArchitecture;
import io.github.llava4j.miniature.world.WorldConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole miniature recipe's settings. {@link #defaults(Path)} is the run that made the shipped model (about 15
 * minutes on 2 cores); {@link #quick(Path)} is a few-minute version for tests and trying things out.
 *
 * @param trainImages scenes for pretraining, caption pairs (stage 1) and teacher instructions (stage 2)
 * @param heldOutImages scenes never trained on, for the evaluation
 * @param questionsPerType evaluation questions per type and held-out scene (at most)
 * @param describedImages held-out scenes whose free-form description is scored
 */
public record RecipeConfig(
        Path output,
        long seed,
        WorldConfig world,
        MiniatureArchitecture architecture,
        int trainImages,
        int heldOutImages,
        int questionsPerType,
        int describedImages,
        int clipSteps,
        int languageModelSteps,
        int stage1Epochs,
        int stage1BatchSize,
        double stage1LearningRate,
        int stage2Epochs,
        int stage2BatchSize,
        double stage2LearningRate,
        boolean ablations,
        boolean progressBar) {

    public RecipeConfig {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(architecture, "architecture");
    }

    public static RecipeConfig defaults(Path output) {
        return new RecipeConfig(output, 42, WorldConfig.defaults(), MiniatureArchitecture.defaults(), 3000, 200, 1,
                50, 300, 300, 1, 32, 1e-3, 2, 16, 5e-4, true, true);
    }

    public static RecipeConfig quick(Path output) {
        return new RecipeConfig(output, 42, WorldConfig.defaults(), MiniatureArchitecture.defaults(), 300, 40, 1, 10,
                40, 40, 1, 16, 1e-3, 1, 8, 5e-4, false, false);
    }

    /** This config with ablations and the progress bar switched as given. */
    public RecipeConfig with(boolean ablations, boolean progressBar) {
        return new RecipeConfig(output, seed, world, architecture, trainImages, heldOutImages, questionsPerType,
                describedImages, clipSteps, languageModelSteps, stage1Epochs, stage1BatchSize, stage1LearningRate,
                stage2Epochs, stage2BatchSize, stage2LearningRate, ablations, progressBar);
    }

    public RecipeConfig withOutput(Path output) {
        return new RecipeConfig(output, seed, world, architecture, trainImages, heldOutImages, questionsPerType,
                describedImages, clipSteps, languageModelSteps, stage1Epochs, stage1BatchSize, stage1LearningRate,
                stage2Epochs, stage2BatchSize, stage2LearningRate, ablations, progressBar);
    }
}
