package io.github.llava4j.miniature.cli;

import io.github.llava4j.cli.CliRunner;
import io.github.llava4j.io.FileTrees;
import io.github.llava4j.miniature.demo.MiniatureDemo;
import io.github.llava4j.miniature.demo.ShippedModel;
import io.github.llava4j.miniature.recipe.MiniatureRecipe;
import io.github.llava4j.miniature.recipe.RecipeConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The miniature LLaVA's command line: the demo agent (the README's main job) and the recipe that made the model. */
@Command(name = "llava-mini", mixinStandardHelpOptions = true, version = "llava4j 0.1.0",
        description = "A miniature LLaVA trained end to end on a synthetic shape world.",
        subcommands = {MiniatureCli.Demo.class, MiniatureCli.Recipe.class})
public final class MiniatureCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs with the given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return CliRunner.execute(new MiniatureCli(), "llava-mini", args, out, err);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "A LangChain4j agent (memory, streaming, a @Tool) over the shipped miniature model.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", description = "a llava-hf folder (default: the shipped miniature model)")
        Path model;

        @Option(names = "--images", defaultValue = "2", description = "generated images to talk about")
        int images;

        @Option(names = "--seed", defaultValue = "7", description = "seed of the generated images")
        long seed;

        @Override
        public Integer call() throws Exception {
            Path folder = model;
            Path temp = null;
            if (folder == null) {
                temp = Files.createTempDirectory("llava-miniature-");
                folder = ShippedModel.extractTo(temp);
            }
            try {
                PrintWriter out = spec.commandLine().getOut();
                out.println("llava4j demo: an AiServices agent over the miniature LLaVA ("
                        + (model == null ? "shipped model" : model) + "); it only knows the world of coloured shapes.");
                var transcript = new MiniatureDemo(folder, images, seed).run(out);
                out.println("\n[" + transcript.answers() + " answers, tool calls: " + transcript.toolCalls() + "]");
                return 0;
            } finally {
                FileTrees.deleteRecursively(temp);
            }
        }
    }

    @Command(name = "recipe", mixinStandardHelpOptions = true,
            description = "The whole recipe from nothing: world, CLIP and LLaMA stand-ins, teacher data, stage 1,"
                    + " stage 2, evaluation with ablations. Writes report.md in --out.")
    static final class Recipe implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true, description = "output folder (must not exist or be empty)")
        Path out;

        @Option(names = "--quick", description = "a few-minute run with less data (not the shipped model's)")
        boolean quick;

        @Option(names = "--no-ablations", description = "skip the stage-2-only model")
        boolean noAblations;

        @Option(names = "--no-progress", description = "no progress bars")
        boolean noProgress;

        @Option(names = "--seed", description = "seed of everything (default 42)")
        Long seed;

        @Option(names = "--train-images", description = "training scenes")
        Integer trainImages;

        @Option(names = "--held-out-images", description = "evaluation scenes")
        Integer heldOutImages;

        @Option(names = "--clip-steps", description = "contrastive CLIP steps")
        Integer clipSteps;

        @Option(names = "--lm-steps", description = "language-model pretraining steps")
        Integer lmSteps;

        @Option(names = "--stage1-epochs", description = "stage 1 epochs")
        Integer stage1Epochs;

        @Option(names = "--stage1-lr", description = "stage 1 learning rate")
        Double stage1Lr;

        @Option(names = "--stage2-epochs", description = "stage 2 epochs")
        Integer stage2Epochs;

        @Option(names = "--stage2-batch-size", description = "stage 2 global batch")
        Integer stage2BatchSize;

        @Option(names = "--stage2-lr", description = "stage 2 learning rate of the language model")
        Double stage2Lr;

        @Option(names = "--stage2-projector-lr", description = "stage 2 learning rate of the projector")
        Double stage2ProjectorLr;

        @Override
        public Integer call() throws Exception {
            if (Files.isDirectory(out)) {
                try (var entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(out + " is not empty; choose a new output folder");
                    }
                }
            }
            RecipeConfig base = quick ? RecipeConfig.quick(out) : RecipeConfig.defaults(out);
            RecipeConfig.Builder b = base.toBuilder().ablations(!noAblations && base.ablations())
                    .progressBar(!noProgress);
            if (seed != null) {
                b.seed(seed);
            }
            if (trainImages != null) {
                b.trainImages(trainImages);
            }
            if (heldOutImages != null) {
                b.heldOutImages(heldOutImages);
            }
            if (clipSteps != null) {
                b.clipSteps(clipSteps);
            }
            if (lmSteps != null) {
                b.languageModelSteps(lmSteps);
            }
            if (stage1Epochs != null) {
                b.stage1Epochs(stage1Epochs);
            }
            if (stage1Lr != null) {
                b.stage1LearningRate(stage1Lr);
            }
            if (stage2Epochs != null) {
                b.stage2Epochs(stage2Epochs);
            }
            if (stage2BatchSize != null) {
                b.stage2BatchSize(stage2BatchSize);
            }
            if (stage2Lr != null) {
                b.stage2LearningRate(stage2Lr);
            }
            if (stage2ProjectorLr != null) {
                b.stage2ProjectorLearningRate(stage2ProjectorLr);
            }
            RecipeConfig config = b.build();
            MiniatureRecipe.Report report = new MiniatureRecipe(config).run();
            PrintWriter o = spec.commandLine().getOut();
            o.println(Files.readString(out.resolve("report.md")));
            o.println("model: " + report.fullModel());
            return 0;
        }
    }
}
