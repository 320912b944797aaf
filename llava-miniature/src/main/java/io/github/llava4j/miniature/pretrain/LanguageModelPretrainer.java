package io.github.llava4j.miniature.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.llava4j.DjlDefaults;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.finetune.train.AdamW;
import io.github.llava4j.finetune.train.AdamWConfig;
import io.github.llava4j.finetune.train.GuardedUpdate;
import io.github.llava4j.finetune.train.LearningRateSchedule;
import io.github.llava4j.finetune.train.ModelExporter;
import io.github.llava4j.finetune.train.StepMetrics;
import io.github.llava4j.finetune.train.TrainableModel;
import io.github.llava4j.finetune.train.TrainableParameter;
import io.github.llava4j.finetune.train.TrainingProgress;
import io.github.llava4j.io.DType;
import io.github.llava4j.model.Scalars;
import io.github.llava4j.text.LlavaTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Pretrains the language model of a llava-hf checkpoint from its initial weights on plain sentences: next-token
 * cross-entropy over sequences packed from the sentences ({@code BOS s1 EOS s2 EOS ...}, see {@link SequencePacker}),
 * a fresh seeded sentence order each epoch, AdamW with warmup + cosine and global-norm clipping. Every
 * {@code language_model.*} weight learns; the vision tower and the projector are copied unchanged, as is a CLIP
 * text tower ({@value ClipHeads#FILE}) found beside the source checkpoint.
 *
 * <pre>{@code
 * PretrainResult r = new LanguageModelPretrainer(LanguageModelPretrainerConfig.builder().steps(150).build())
 *         .train(clipFolder, worldSentences, out);
 * }</pre>
 *
 * <p>A run is a function of its seed. One run per JVM at a time (the engine allows a single gradient collector).
 */
public final class LanguageModelPretrainer {
    /** Steps with a non-finite gradient skipped before giving up (docs/finetuning.md, "A known problem"). */
    static final int MAX_SKIPPED_STEPS = 10;

    static final String LANGUAGE_MODEL_PREFIX = "language_model.";

    private final LanguageModelPretrainerConfig config;

    public LanguageModelPretrainer(LanguageModelPretrainerConfig config) {
        this.config = config;
    }

    /**
     * Trains the language model of {@code base} on {@code sentences} and writes the result to {@code output}
     * (replaced if it exists; it may be {@code base}).
     */
    public PretrainResult train(Path base, List<String> sentences, Path output) {
        DjlDefaults.apply();
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no sentences to pretrain the language model on");
        }
        LlavaConfig modelConfig = ConfigReader.readLlavaConfig(base);
        if (config.sequenceLength() > modelConfig.text().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequenceLength " + config.sequenceLength() + " exceeds "
                    + base.resolve(ConfigReader.CONFIG_JSON) + " max_position_embeddings "
                    + modelConfig.text().maxPositionEmbeddings());
        }
        List<int[]> tokenised = new ArrayList<>(sentences.size());
        int bos;
        int eos;
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(base)) {
            bos = tokenizer.bosId();
            eos = tokenizer.eosId();
            for (String s : sentences) {
                tokenised.add(tokenizer.encode(s));
            }
        }
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(config.steps(),
                LearningRateSchedule.warmupSteps(config.steps(), config.warmupRatio()));
        double lr = config.learningRate();
        byte[] clipHeads = readSidecar(base.resolve(ClipHeads.FILE)); // before the export may replace base
        List<StepMetrics> history = new ArrayList<>();
        try (TrainableModel model = TrainableModel.load(base,
                        name -> name.startsWith(LANGUAGE_MODEL_PREFIX) ? OptionalDouble.of(lr) : OptionalDouble.empty(),
                        Device.cpu());
                NDManager manager = NDManager.newBaseManager(model.model().weightsManager().getDevice());
                AdamW optimizer = new AdamW(AdamWConfig.defaults().withWeightDecay(config.weightDecay()), manager);
                TrainingProgress progress = config.progressBar()
                        ? TrainingProgress.console("language model", config.steps(), 0)
                        : TrainingProgress.silent()) {
            List<TrainableParameter> parameters = model.parameters();
            // each epoch packs its own shuffle: documents kept whole make the number of sequences vary by order
            List<int[]> epochSequences = List.of();
            int epoch = -1;
            int next = 0;
            long begin = System.nanoTime();
            GuardedUpdate update = new GuardedUpdate(optimizer, config.maxGradNorm(), MAX_SKIPPED_STEPS,
                    "lower the learning rate");
            for (int step = 0; step < config.steps(); step++) {
                long stepBegin = System.nanoTime();
                if (next >= epochSequences.size()) {
                    epoch++;
                    epochSequences = SequencePacker.pack(shuffled(tokenised, epoch), config.sequenceLength(), bos,
                            eos);
                    next = 0;
                }
                List<int[]> batch = epochSequences.subList(next, Math.min(next + config.batchSize(),
                        epochSequences.size()));
                next += batch.size();
                double loss = 0;
                long tokens = 0;
                for (int[] ids : batch) {
                    loss += trainSequence(model, ids, batch.size(), manager) / batch.size();
                    tokens += ids.length - 1;
                }
                double factor = schedule.factor(step);
                int stepNumber = step + 1;
                double gradNorm = update.apply(parameters, loss, factor, () -> "language model step " + stepNumber);
                double seconds = (System.nanoTime() - stepBegin) / 1e9;
                double epochs = epoch + (double) next / epochSequences.size();
                StepMetrics metrics = new StepMetrics(step, config.steps(), epochs, loss, lr * factor, gradNorm,
                        tokens / seconds, seconds, (System.nanoTime() - begin) / 1e9);
                history.add(metrics);
                progress.update(metrics);
            }
            ModelExporter.exportFolder(model, output, DType.F32);
        }
        writeSidecar(output.resolve(ClipHeads.FILE), clipHeads);
        config.metrics().ifPresent(file -> PretrainMetrics.write(file, history));
        return new PretrainResult(output, history);
    }

    /** Accumulates the gradient of one sequence's mean loss divided by the batch size; returns the loss. */
    private static double trainSequence(TrainableModel model, int[] ids, int batchSize, NDManager manager) {
        // the step's manager holds the loss's index arrays until after backward: autograd keeps them
        try (NDManager scratch = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = model.loss(ids, ids, null, scratch);
            double value = loss.getFloat();
            collector.backward(Scalars.div(loss, batchSize));
            return value;
        }
    }

    private List<int[]> shuffled(List<int[]> sentences, int epoch) {
        int[] order = Seeds.permutation(sentences.size(), Seeds.mix(config.seed(), epoch));
        List<int[]> out = new ArrayList<>(sentences.size());
        for (int i : order) {
            out.add(sentences.get(i));
        }
        return out;
    }

    private static byte[] readSidecar(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static void writeSidecar(Path file, byte[] bytes) {
        if (bytes == null) {
            return;
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
