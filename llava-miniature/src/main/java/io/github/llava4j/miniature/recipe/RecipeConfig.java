package io.github.llava4j.miniature.recipe;

import io.github.llava4j.miniature.pretrain.MiniatureArchitecture;
import io.github.llava4j.miniature.world.WorldConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole miniature recipe's settings. {@link #defaults(Path)} is the run (about 15 minutes on 2 cores with
 * its ablation); the shipped model is the same recipe on twice the scenes with six stage-2 epochs (its MODEL_CARD has
 * the command). {@link #quick(Path)} is a few-minute version for tests and trying things out.
 *
 * @param trainImages scenes for pretraining, caption pairs (stage 1) and teacher instructions (stage 2)
 * @param heldOutImages scenes never trained on, for the evaluation
 * @param questionsPerType evaluation questions per type and held-out scene (at most)
 * @param describedImages held-out scenes whose free-form description is scored
 * @param clipHardNegatives edited copies of each image in its CLIP batch ({@code HardNegatives}); 0 for none
 * @param stage2LearningRate the language model's learning rate in stage 2
 * @param stage2ProjectorLearningRate the projector's learning rate in stage 2 (LLaVA's {@code mm_projector_lr})
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
        int clipHardNegatives,
        int languageModelSteps,
        int stage1Epochs,
        int stage1BatchSize,
        double stage1LearningRate,
        int stage2Epochs,
        int stage2BatchSize,
        double stage2LearningRate,
        double stage2ProjectorLearningRate,
        boolean ablations,
        boolean progressBar) {

    public RecipeConfig {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(world, "world");
        Objects.requireNonNull(architecture, "architecture");
        if (world.grid() != 0 && world.grid() != architecture.patchSize()) {
            throw new IllegalArgumentException("the world's grid (" + world.grid() + " px) must be 0 or the vision "
                    + "tower's patch size (" + architecture.patchSize() + " px)");
        }
        if (clipHardNegatives < 0) {
            throw new IllegalArgumentException("clipHardNegatives must be >= 0, got " + clipHardNegatives);
        }
    }

    public static RecipeConfig defaults(Path output) {
        return new RecipeConfig(output, 42, WorldConfig.defaults(), MiniatureArchitecture.defaults(), 2400, 200, 1,
                50, 1500, 3, 1000, 3, 32, 2e-3, 2, 8, 2e-3, 2e-3, true, true);
    }

    public static RecipeConfig quick(Path output) {
        return new RecipeConfig(output, 42, WorldConfig.defaults(), MiniatureArchitecture.defaults(), 300, 40, 1, 10,
                100, 1, 60, 1, 16, 2e-3, 1, 8, 2e-3, 2e-3, false, false);
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes single values of a config (the record's components, same names). */
    public static final class Builder {
        private Path output;
        private long seed;
        private WorldConfig world;
        private MiniatureArchitecture architecture;
        private int trainImages;
        private int heldOutImages;
        private int questionsPerType;
        private int describedImages;
        private int clipSteps;
        private int clipHardNegatives;
        private int languageModelSteps;
        private int stage1Epochs;
        private int stage1BatchSize;
        private double stage1LearningRate;
        private int stage2Epochs;
        private int stage2BatchSize;
        private double stage2LearningRate;
        private double stage2ProjectorLearningRate;
        private boolean ablations;
        private boolean progressBar;

        private Builder(RecipeConfig c) {
            output = c.output;
            seed = c.seed;
            world = c.world;
            architecture = c.architecture;
            trainImages = c.trainImages;
            heldOutImages = c.heldOutImages;
            questionsPerType = c.questionsPerType;
            describedImages = c.describedImages;
            clipSteps = c.clipSteps;
            clipHardNegatives = c.clipHardNegatives;
            languageModelSteps = c.languageModelSteps;
            stage1Epochs = c.stage1Epochs;
            stage1BatchSize = c.stage1BatchSize;
            stage1LearningRate = c.stage1LearningRate;
            stage2Epochs = c.stage2Epochs;
            stage2BatchSize = c.stage2BatchSize;
            stage2LearningRate = c.stage2LearningRate;
            stage2ProjectorLearningRate = c.stage2ProjectorLearningRate;
            ablations = c.ablations;
            progressBar = c.progressBar;
        }

        public Builder output(Path v) { output = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder world(WorldConfig v) { world = v; return this; }
        public Builder architecture(MiniatureArchitecture v) { architecture = v; return this; }
        public Builder trainImages(int v) { trainImages = v; return this; }
        public Builder heldOutImages(int v) { heldOutImages = v; return this; }
        public Builder questionsPerType(int v) { questionsPerType = v; return this; }
        public Builder describedImages(int v) { describedImages = v; return this; }
        public Builder clipSteps(int v) { clipSteps = v; return this; }
        public Builder clipHardNegatives(int v) { clipHardNegatives = v; return this; }
        public Builder languageModelSteps(int v) { languageModelSteps = v; return this; }
        public Builder stage1Epochs(int v) { stage1Epochs = v; return this; }
        public Builder stage1BatchSize(int v) { stage1BatchSize = v; return this; }
        public Builder stage1LearningRate(double v) { stage1LearningRate = v; return this; }
        public Builder stage2Epochs(int v) { stage2Epochs = v; return this; }
        public Builder stage2BatchSize(int v) { stage2BatchSize = v; return this; }
        public Builder stage2LearningRate(double v) { stage2LearningRate = v; return this; }
        public Builder stage2ProjectorLearningRate(double v) { stage2ProjectorLearningRate = v; return this; }
        public Builder ablations(boolean v) { ablations = v; return this; }
        public Builder progressBar(boolean v) { progressBar = v; return this; }

        public RecipeConfig build() {
            return new RecipeConfig(output, seed, world, architecture, trainImages, heldOutImages, questionsPerType,
                    describedImages, clipSteps, clipHardNegatives, languageModelSteps, stage1Epochs, stage1BatchSize,
                    stage1LearningRate, stage2Epochs, stage2BatchSize, stage2LearningRate, stage2ProjectorLearningRate,
                    ablations, progressBar);
        }
    }
}
