package io.github.llava4j.finetune.train;

import io.github.llava4j.config.ImageMode;
import io.github.llava4j.finetune.lora.LoraConfig;
import io.github.llava4j.finetune.masking.Template;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one training run needs. Defaults follow the paper and LLaVA-1.5's scripts: AdamW without weight decay,
 * warmup ratio 0.03 then cosine decay, stage 1 lr 1e-3 with global batch 256 and template {@code plain}, stage 2 lr
 * 2e-5 with global batch 128 and template {@code v1}, one epoch, gradient clipping at global norm 1.0 (transformers'
 * default), model_max_length 2048. Build with {@link #builder(Stage)}.
 *
 * <p>The global batch is reached by gradient accumulation over single-sample micro-batches: the step's gradient is
 * the mean over its samples of each sample's mean token loss (transformers' Trainer with a per-device batch of 1).
 */
public record TrainerConfig(
        Stage stage,
        Path model,
        Path data,
        Path images,
        Path output,
        Template template,
        int epochs,
        long maxSteps,
        int batchSize,
        double learningRate,
        Optional<Double> projectorLearningRate,
        double weightDecay,
        double warmupRatio,
        double maxGradNorm,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        long seed,
        int maxLength,
        long saveEverySteps,
        int keepCheckpoints,
        Optional<LoraConfig> lora,
        Optional<ImageMode> imageMode,
        boolean skipBadData,
        boolean resume,
        boolean progressBar,
        String device,
        int maxSkippedSteps,
        int packPositions) {

    public TrainerConfig {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(projectorLearningRate, "projectorLearningRate");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(imageMode, "imageMode");
        Objects.requireNonNull(device, "device");
        positive("epochs", epochs);
        positive("batch size", batchSize);
        positive("max length", maxLength);
        positive("save every steps", saveEverySteps);
        positive("keep checkpoints", keepCheckpoints);
        if (packPositions < 0) {
            throw new IllegalArgumentException("pack positions must be >= 0, got " + packPositions);
        }
        if (maxSkippedSteps < 0) {
            throw new IllegalArgumentException("max skipped steps must be >= 0, got " + maxSkippedSteps);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmup ratio must be in [0, 1], got " + warmupRatio);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (lora.isPresent() && !stage.trainsLanguageModel()) {
            throw new IllegalArgumentException("LoRA adapts the language model, which stage 1 keeps frozen");
        }
        if (maxSteps == 0 || maxSteps < -1) {
            throw new IllegalArgumentException("max steps must be > 0 (or -1 for the epochs' count), got " + maxSteps);
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
    }

    public static Builder builder(Stage stage) {
        return new Builder(stage);
    }

    /** A builder starting from this run's values. */
    public Builder toBuilder() {
        Builder b = new Builder(stage);
        b.model = model;
        b.data = data;
        b.images = images;
        b.output = output;
        b.template = template;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.projectorLearningRate = projectorLearningRate;
        b.weightDecay = weightDecay;
        b.warmupRatio = warmupRatio;
        b.maxGradNorm = maxGradNorm;
        b.adamBeta1 = adamBeta1;
        b.adamBeta2 = adamBeta2;
        b.adamEpsilon = adamEpsilon;
        b.seed = seed;
        b.maxLength = maxLength;
        b.saveEverySteps = saveEverySteps;
        b.keepCheckpoints = keepCheckpoints;
        b.lora = lora;
        b.imageMode = imageMode;
        b.skipBadData = skipBadData;
        b.resume = resume;
        b.progressBar = progressBar;
        b.device = device;
        b.maxSkippedSteps = maxSkippedSteps;
        b.packPositions = packPositions;
        return b;
    }

    public static final class Builder {
        private final Stage stage;
        private Path model;
        private Path data;
        private Path images;
        private Path output;
        private Template template;
        private int epochs = 1;
        private long maxSteps = -1;
        private int batchSize;
        private double learningRate;
        private Optional<Double> projectorLearningRate = Optional.empty();
        private double weightDecay = 0.0;
        private double warmupRatio = 0.03;
        private double maxGradNorm = 1.0;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private long seed = 42;
        private int maxLength = 2048;
        private long saveEverySteps = 500;
        private int keepCheckpoints = 2;
        private Optional<LoraConfig> lora = Optional.empty();
        private Optional<ImageMode> imageMode = Optional.empty();
        private boolean skipBadData;
        private boolean resume;
        private boolean progressBar = true;
        private String device = "cpu";
        private int maxSkippedSteps;
        private int packPositions;

        private Builder(Stage stage) {
            this.stage = Objects.requireNonNull(stage, "stage");
            this.template = stage == Stage.STAGE1 ? Template.PLAIN : Template.V1;
            this.batchSize = stage == Stage.STAGE1 ? 256 : 128;
            this.learningRate = stage.defaultLearningRate();
        }

        /** The llava-hf folder to start from. */
        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /** LLaVA JSON training data. */
        public Builder data(Path data) {
            this.data = data;
            return this;
        }

        /** Folder the samples' image paths are relative to. */
        public Builder images(Path images) {
            this.images = images;
            return this;
        }

        /** Output folder: checkpoints, metrics, loss curve and the exported model. */
        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        public Builder template(Template template) {
            this.template = template;
            return this;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Stop after this many optimizer steps (the schedule spans them); -1 for epochs x steps per epoch. */
        public Builder maxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /** Global batch: samples per optimizer step (accumulated one at a time). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** The projector's learning rate in stage 2 (LLaVA's mm_projector_lr); default: the learning rate. */
        public Builder projectorLearningRate(double projectorLearningRate) {
            this.projectorLearningRate = Optional.of(projectorLearningRate);
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder warmupRatio(double warmupRatio) {
            this.warmupRatio = warmupRatio;
            return this;
        }

        /** Global-norm clipping threshold; 0 disables clipping. */
        public Builder maxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        public Builder adam(double beta1, double beta2, double epsilon) {
            this.adamBeta1 = beta1;
            this.adamBeta2 = beta2;
            this.adamEpsilon = epsilon;
            return this;
        }

        /** Seeds data order, LoRA initialisation and dropout: the same seed gives the same run. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Write a resumable checkpoint every N optimizer steps (and after the last). */
        public Builder saveEverySteps(long saveEverySteps) {
            this.saveEverySteps = saveEverySteps;
            return this;
        }

        /** How many of the newest checkpoints to keep. */
        public Builder keepCheckpoints(int keepCheckpoints) {
            this.keepCheckpoints = keepCheckpoints;
            return this;
        }

        public Builder lora(LoraConfig lora) {
            this.lora = Optional.ofNullable(lora);
            return this;
        }

        /** Image preprocessing: LLaVA-1.5's pad-to-square or CLIP's crop; default: the checkpoint's. */
        public Builder imageMode(ImageMode imageMode) {
            this.imageMode = Optional.ofNullable(imageMode);
            return this;
        }

        public Builder skipBadData(boolean skipBadData) {
            this.skipBadData = skipBadData;
            return this;
        }

        /** Continue from the newest checkpoint in the output folder. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Show a progress bar on stderr (on by default). */
        public Builder progressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        /** {@code cpu} or {@code gpu} / {@code gpu:N}. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /**
         * How many steps whose gradient is not finite may be skipped (no update, gradients dropped, counted in the
         * log) before the run stops; 0 (the default) stops at the first. Mixed-precision trainers skip such steps
         * the same way.
         */
        public Builder maxSkippedSteps(int maxSkippedSteps) {
            this.maxSkippedSteps = maxSkippedSteps;
            return this;
        }

        /**
         * Pack consecutive samples of a step into one decoder pass of up to this many positions (each sample still
         * attends only to itself; the gradient is the same). 0 (the default) runs one sample per pass. On CPU with
         * small models this is several times faster; with large models memory decides.
         */
        public Builder packPositions(int packPositions) {
            this.packPositions = packPositions;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(stage, model, data, images, output, template, epochs, maxSteps, batchSize,
                    learningRate, projectorLearningRate, weightDecay, warmupRatio, maxGradNorm, adamBeta1, adamBeta2,
                    adamEpsilon, seed, maxLength, saveEverySteps, keepCheckpoints, lora, imageMode, skipBadData, resume,
                    progressBar, device, maxSkippedSteps, packPositions);
        }
    }
}
