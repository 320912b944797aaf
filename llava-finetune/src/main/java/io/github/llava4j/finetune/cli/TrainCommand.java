package io.github.llava4j.finetune.cli;

import io.github.llava4j.config.ImageMode;
import io.github.llava4j.finetune.lora.LoraConfig;
import io.github.llava4j.finetune.masking.Template;
import io.github.llava4j.finetune.train.Stage;
import io.github.llava4j.finetune.train.Trainer;
import io.github.llava4j.finetune.train.TrainerConfig;
import io.github.llava4j.finetune.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options shared by {@code stage1} and {@code stage2}; defaults are the paper's (see {@link TrainerConfig}). */
abstract class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf folder to start from")
    Path model;

    @Option(names = "--data", required = true, description = "LLaVA JSON file: [{id, image?, conversations}]")
    Path data;

    @Option(names = "--images", description = "folder the samples' image paths are relative to")
    Path images;

    @Option(names = "--out", required = true,
            description = "output folder: checkpoints/, metrics.jsonl, loss.png and the exported model/")
    Path out;

    @Option(names = "--template", description = "plain, v1 or v0 (default: plain for stage 1, v1 for stage 2)")
    String template;

    @Option(names = "--epochs", defaultValue = "1", description = "passes over the data (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "-1",
            description = "stop after N optimizer steps; the schedule spans them (default: epochs x steps per epoch)")
    long maxSteps;

    @Option(names = "--batch-size", description = "global batch, by gradient accumulation (default 256 / 128)")
    Integer batchSize;

    @Option(names = "--lr", description = "learning rate (default 1e-3 / 2e-5)")
    Double learningRate;

    @Option(names = "--projector-lr", description = "stage 2: the projector's learning rate (default: --lr)")
    Double projectorLearningRate;

    @Option(names = "--weight-decay", defaultValue = "0.0", description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--warmup-ratio", defaultValue = "0.03",
            description = "share of steps with linear warmup before the cosine decay (default ${DEFAULT-VALUE})")
    double warmupRatio;

    @Option(names = "--max-grad-norm", defaultValue = "1.0",
            description = "global-norm gradient clipping, 0 disables (default ${DEFAULT-VALUE})")
    double maxGradNorm;

    @Option(names = "--seed", defaultValue = "42", description = "seed of data order, LoRA init and dropout")
    long seed;

    @Option(names = "--max-length", defaultValue = "2048", description = "truncation length in tokens")
    int maxLength;

    @Option(names = "--save-every", defaultValue = "500", description = "checkpoint every N steps (and at the end)")
    long saveEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "2", description = "newest checkpoints kept")
    int keepCheckpoints;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    @Option(names = "--image-mode", description = "pad (LLaVA-1.5) or crop (default: the checkpoint's)")
    String imageMode;

    @Option(names = "--skip-bad", description = "count and skip bad samples instead of failing on the first one")
    boolean skipBad;

    @Option(names = "--no-progress", description = "no progress bar (logs a line per step instead)")
    boolean noProgress;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N")
    String device;

    @Option(names = "--max-skipped-steps", defaultValue = "0",
            description = "steps with a non-finite gradient that may be skipped before the run stops (default 0)")
    int maxSkippedSteps;

    @Option(names = "--pack-positions", defaultValue = "0",
            description = "pack a step's samples into decoder passes of up to N positions (faster on CPU; 0: off)")
    int packPositions;

    abstract Stage stage();

    TrainerConfig.Builder configure(TrainerConfig.Builder b) {
        return b;
    }

    @Override
    public Integer call() {
        TrainerConfig.Builder b = TrainerConfig.builder(stage())
                .model(model).data(data).images(images).output(out)
                .epochs(epochs).maxSteps(maxSteps).weightDecay(weightDecay).warmupRatio(warmupRatio)
                .maxGradNorm(maxGradNorm).seed(seed).maxLength(maxLength).saveEverySteps(saveEvery)
                .keepCheckpoints(keepCheckpoints).resume(resume).skipBadData(skipBad).progressBar(!noProgress)
                .device(device).maxSkippedSteps(maxSkippedSteps).packPositions(packPositions);
        if (template != null) {
            b.template(Template.parse(template));
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (projectorLearningRate != null) {
            b.projectorLearningRate(projectorLearningRate);
        }
        if (imageMode != null) {
            b.imageMode(ImageMode.valueOf(imageMode.toUpperCase(Locale.ROOT)));
        }
        PrintWriter err = spec.commandLine().getErr();
        TrainingResult result = new Trainer(configure(b).build()).run(metrics -> {
            if (noProgress) {
                err.printf(Locale.ROOT, "step %d/%d loss %.4f lr %.3g grad-norm %.3f %.0f tok/s%n", metrics.step() + 1,
                        metrics.totalSteps(), metrics.loss(), metrics.learningRate(), metrics.gradNorm(),
                        metrics.tokensPerSecond());
                err.flush();
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "trained %d steps, final loss %.4f%n", result.steps(), result.finalLoss());
        out.println("model:   " + result.model());
        result.projector().ifPresent(p -> out.println("projector: " + p));
        out.println("metrics: " + result.metrics());
        out.println("curve:   " + result.lossCurve());
        err.println("llava-finetune: data " + result.data().summary());
        out.flush();
        return 0;
    }

    @Command(name = "stage1", mixinStandardHelpOptions = true,
            description = "Feature alignment: train only the projector on image-caption pairs (LLaVA stage 1).")
    static final class Stage1 extends TrainCommand {
        @Override
        Stage stage() {
            return Stage.STAGE1;
        }
    }

    @Command(name = "stage2", mixinStandardHelpOptions = true,
            description = "Instruction tuning: train projector and language model (or LoRA adapters) on conversations.")
    static final class Stage2 extends TrainCommand {
        @Option(names = "--lora-rank", description = "train LoRA adapters of this rank instead of the whole LLM")
        Integer loraRank;

        @Option(names = "--lora-alpha", description = "LoRA alpha (default: 2 x rank, as LLaVA's scripts)")
        Double loraAlpha;

        @Option(names = "--lora-dropout", defaultValue = "0.05", description = "LoRA dropout (default ${DEFAULT-VALUE})")
        double loraDropout;

        @Option(names = "--lora-targets", split = ",",
                description = "linear layers to adapt (default: all: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj)")
        List<String> loraTargets;

        @Override
        Stage stage() {
            return Stage.STAGE2;
        }

        @Override
        TrainerConfig.Builder configure(TrainerConfig.Builder b) {
            if (loraRank != null) {
                b.lora(new LoraConfig(loraRank, loraAlpha != null ? loraAlpha : 2.0 * loraRank, loraDropout,
                        loraTargets != null ? loraTargets : LoraConfig.ALL_LINEAR));
            }
            return b;
        }
    }
}
