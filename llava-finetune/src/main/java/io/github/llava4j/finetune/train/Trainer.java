package io.github.llava4j.finetune.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.llava4j.Devices;
import io.github.llava4j.DjlDefaults;
import io.github.llava4j.LlavaException;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.PreprocessorConfig;
import io.github.llava4j.finetune.lora.LoraLayers;
import io.github.llava4j.finetune.masking.LabelMasker;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.io.DType;
import io.github.llava4j.model.Scalars;
import io.github.llava4j.text.LlavaTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Runs one LLaVA training stage: reads and masks the data, trains the stage's parameters with AdamW under a warmup +
 * cosine schedule and global-norm clipping, writes resumable checkpoints, a metrics log and a loss curve, and exports
 * the model as a llava-hf folder.
 *
 * <pre>{@code
 * TrainingResult result = new Trainer(TrainerConfig.builder(Stage.STAGE1)
 *         .model(base).data(captions).images(imageRoot).output(out).build()).run();
 * }</pre>
 *
 * <p>A run is reproducible: data order, LoRA initialisation and dropout masks derive from the seed and the step, and
 * a run resumed from a checkpoint ends with the same weights as one that was never interrupted. Training uses the
 * calling thread; one trainer per JVM at a time (the engine allows a single gradient collector).
 */
public final class Trainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);
    /** Bytes of frozen-tower features kept in memory between epochs. */
    private static final long FEATURE_CACHE_BYTES = 512L << 20;

    private final TrainerConfig config;

    public Trainer(TrainerConfig config) {
        this.config = config;
    }

    public TrainingResult run() {
        return run(TrainingListener.NONE);
    }

    public TrainingResult run(TrainingListener listener) {
        DjlDefaults.apply();
        Path out = config.output();
        TrainingCheckpoints checkpoints = new TrainingCheckpoints(out, config.keepCheckpoints());
        Optional<TrainingCheckpoints.Saved> saved = checkpoints.latest();
        if (saved.isPresent() && !config.resume()) {
            throw new LlavaException(out + " already holds checkpoints of a run (newest: " + saved.get().dir()
                    .getFileName() + "); pass --resume to continue it, or choose another output folder");
        }
        LlavaConfig modelConfig = ConfigReader.readLlavaConfig(config.model());
        TrainingData data = readData(modelConfig);
        int stepsPerEpoch = (data.size() + config.batchSize() - 1) / config.batchSize();
        long totalSteps = config.maxSteps() > 0 ? config.maxSteps() : (long) config.epochs() * stepsPerEpoch;
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(totalSteps,
                LearningRateSchedule.warmupSteps(totalSteps, config.warmupRatio()));

        try (TrainableModel model = TrainableModel.load(config.model(), config.stage(), config.learningRate(),
                        config.projectorLearningRate(), config.lora().orElse(null), config.seed(),
                        Devices.parse(config.device()));
                NDManager optimizerManager = NDManager.newBaseManager(model.model().weightsManager().getDevice());
                AdamW optimizer = new AdamW(new AdamWConfig(config.adamBeta1(), config.adamBeta2(),
                        config.adamEpsilon(), config.weightDecay()), optimizerManager)) {
            List<TrainableParameter> parameters = model.parameters();
            TrainingCheckpoints.RunIdentity identity = new TrainingCheckpoints.RunIdentity(config.stage().cliName(),
                    config.seed(), data.size(), config.batchSize(), totalSteps,
                    parameters.stream().map(TrainableParameter::name).toList());
            long start = 0;
            if (saved.isPresent()) {
                checkpoints.restore(saved.get(), identity, parameters, optimizer);
                start = saved.get().step();
            }
            Path metricsFile = out.resolve("metrics.jsonl");
            double lastLoss = Double.NaN;
            GuardedUpdate update = new GuardedUpdate(optimizer, config.maxGradNorm(), config.maxSkippedSteps(),
                    "lower the learning rate or check the data");
            long begin = System.nanoTime();
            try (VisionFeatureCache features = new VisionFeatureCache(model, preprocessor(modelConfig),
                            FEATURE_CACHE_BYTES);
                    MetricsLog log = MetricsLog.open(metricsFile, start);
                    TrainingProgress progress = config.progressBar()
                            ? TrainingProgress.console(config.stage().cliName(), totalSteps, start)
                            : TrainingProgress.silent()) {
                for (long step = start; step < totalSteps; step++) {
                    long stepBegin = System.nanoTime();
                    List<TrainingSample> batch = batch(data, step, stepsPerEpoch);
                    StepOutcome outcome = trainStep(model, features, batch, step);
                    double factor = schedule.factor(step);
                    long stepNumber = step + 1;
                    double gradNorm = update.apply(parameters, outcome.loss, factor, () -> "step " + stepNumber
                            + " (samples " + batch.stream().map(TrainingSample::id).toList()
                            + "; non-finite gradients in " + nonFinite(parameters) + ")");
                    double seconds = (System.nanoTime() - stepBegin) / 1e9;
                    StepMetrics metrics = new StepMetrics(step, totalSteps,
                            (double) (step + 1) / stepsPerEpoch, outcome.loss, config.learningRate() * factor,
                            gradNorm, outcome.tokens / seconds, seconds, (System.nanoTime() - begin) / 1e9);
                    lastLoss = outcome.loss;
                    log.append(metrics);
                    progress.update(metrics);
                    if ((step + 1) % config.saveEverySteps() == 0 || step + 1 == totalSteps) {
                        checkpoints.save(step + 1, identity, parameters, optimizer);
                    }
                    listener.onStep(metrics);
                }
            }
            List<StepMetrics> history = MetricsLog.read(metricsFile);
            Path curve = out.resolve("loss.png");
            LossCurve.writePng(history, config.stage().cliName() + " loss (" + config.model().getFileName() + ")",
                    curve);
            if (Double.isNaN(lastLoss) && !history.isEmpty()) {
                lastLoss = history.get(history.size() - 1).loss();
            }
            Path exported = out.resolve("model");
            ModelExporter.exportFolder(model, exported, DType.F32);
            Optional<Path> projector = Optional.empty();
            if (config.stage() == Stage.STAGE1) {
                projector = Optional.of(out.resolve(ModelExporter.PROJECTOR_FILE));
                ModelExporter.exportProjector(model, projector.get());
            }
            return new TrainingResult(exported, projector, totalSteps, lastLoss, metricsFile, curve, data.report());
        }
    }

    private record StepOutcome(double loss, long tokens) {}

    /** Accumulates the gradient of the batch's mean per-sample loss, a pack of samples per decoder pass. */
    private StepOutcome trainStep(TrainableModel model, VisionFeatureCache features, List<TrainingSample> batch,
            long step) {
        model.lora().map(LoraLayers::dropout).ifPresent(d -> d.train(mix(config.seed(), step)));
        double lossSum = 0;
        long tokens = 0;
        for (List<TrainingSample> pack : packs(model, batch)) {
            try (NDManager scratch = NDManager.newBaseManager(model.model().weightsManager().getDevice())) {
                List<int[]> ids = new ArrayList<>();
                List<int[]> labels = new ArrayList<>();
                List<NDArray> visual = new ArrayList<>();
                for (TrainingSample sample : pack) {
                    ids.add(sample.inputIds());
                    labels.add(sample.labels());
                    visual.add(sample.image().isPresent() ? features.features(sample.image().get(), scratch) : null);
                    tokens += model.model().expandedLength(sample.inputIds());
                }
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    List<NDArray> losses = model.losses(ids, labels, visual, scratch);
                    NDArray total = losses.get(0);
                    lossSum += losses.get(0).getFloat();
                    for (int i = 1; i < losses.size(); i++) {
                        total = total.add(losses.get(i));
                        lossSum += losses.get(i).getFloat();
                    }
                    collector.backward(Scalars.div(total, batch.size()));
                }
            }
        }
        model.lora().map(LoraLayers::dropout).ifPresent(d -> d.eval());
        return new StepOutcome(lossSum / batch.size(), tokens);
    }

    /** Consecutive samples grouped so that each group's positions fit {@code packPositions} (one per group if 0). */
    private List<List<TrainingSample>> packs(TrainableModel model, List<TrainingSample> batch) {
        List<List<TrainingSample>> packs = new ArrayList<>();
        List<TrainingSample> current = new ArrayList<>();
        int budget = Math.min(config.packPositions(), model.model().config().text().maxPositionEmbeddings());
        int positions = 0;
        for (TrainingSample sample : batch) {
            int length = model.model().expandedLength(sample.inputIds());
            if (!current.isEmpty() && (budget == 0 || positions + length > budget)) {
                packs.add(current);
                current = new ArrayList<>();
                positions = 0;
            }
            current.add(sample);
            positions += length;
        }
        packs.add(current);
        return packs;
    }

    /** The samples of optimizer step {@code step}: each epoch visits the data in its own seeded order. */
    private List<TrainingSample> batch(TrainingData data, long step, int stepsPerEpoch) {
        long epoch = step / stepsPerEpoch;
        int within = (int) (step % stepsPerEpoch);
        int[] order = epochOrder(data.size(), epoch);
        int from = within * config.batchSize();
        int to = Math.min(from + config.batchSize(), data.size());
        List<TrainingSample> batch = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            batch.add(data.samples().get(order[i]));
        }
        return batch;
    }

    private int[] epochOrder(int n, long epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(mix(config.seed(), epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long mix(long seed, long value) {
        long z = seed + 0x9E3779B97F4A7C15L * (value + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Names of the first few parameters whose gradient holds a NaN or infinity. */
    private static List<String> nonFinite(List<TrainableParameter> parameters) {
        List<String> names = new ArrayList<>();
        for (TrainableParameter p : parameters) {
            try (NDArray g = p.value().getGradient()) {
                if (!Double.isFinite(GradientClipping.globalNorm(List.of(g))) && names.size() < 3) {
                    names.add(p.name());
                }
            }
        }
        return names;
    }

    private TrainingData readData(LlavaConfig modelConfig) {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(config.model())) {
            // an image token stands for imageSeqLength positions: longer samples would not fit the model
            int fits = modelConfig.text().maxPositionEmbeddings() - (modelConfig.imageSeqLength() - 1);
            int maxLength = Math.min(config.maxLength(), fits);
            if (maxLength < config.maxLength()) {
                LOG.info("truncating samples at {} tokens: {} positions minus the image's {} rows", maxLength,
                        modelConfig.text().maxPositionEmbeddings(), modelConfig.imageSeqLength());
            }
            LabelMasker masker = LabelMasker.of(config.template(), tokenizer, modelConfig.imageTokenIndex(), maxLength);
            return TrainingData.read(config.data(), config.images(), masker, config.skipBadData());
        }
    }

    private ImagePreprocessor preprocessor(LlavaConfig modelConfig) {
        PreprocessorConfig pre = ConfigReader.readPreprocessorConfig(config.model(), modelConfig.vision().imageSize());
        if (config.imageMode().isPresent()) {
            pre = pre.withMode(config.imageMode().get());
        }
        return new ImagePreprocessor(pre);
    }

}
