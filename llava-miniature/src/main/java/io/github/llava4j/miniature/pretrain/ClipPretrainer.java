package io.github.llava4j.miniature.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import io.github.llava4j.io.DType;
import io.github.llava4j.text.LlavaTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Function;

/**
 * Trains the vision tower of a llava-hf checkpoint as the image half of a tiny CLIP: contrastively against a small
 * text tower on image-caption pairs ({@link ClipHeads}), with AdamW, warmup + cosine and global-norm clipping. The
 * image embedding is read from exactly the features LLaVA will consume (the selected layer, CLS dropped), so those
 * are the features that learn to tell the world's colours and shapes apart. Images given {@link ImageRegion}s add a
 * region-level loss (RegionCLIP's idea): the features under each box, mean-pooled, must pick the region's phrase among
 * the batch's distinct phrases, which teaches every object's patches what it is, not only the scene's mean.
 *
 * <pre>{@code
 * PretrainResult r = new ClipPretrainer(ClipPretrainerConfig.builder().steps(150).build()).train(base, pairs, out);
 * RetrievalResult eval = ClipPretrainer.evaluateRetrieval(out, heldOut);
 * }</pre>
 *
 * <p>Only the vision tower changes in the written folder (the projector and the language model are copied); the text
 * tower and heads go to {@value ClipHeads#FILE} beside it. A run is a function of its seed. One run per JVM at a time
 * (the engine allows a single gradient collector).
 */
public final class ClipPretrainer {
    /** Steps with a non-finite gradient skipped before giving up (docs/finetuning.md, "A known problem"). */
    static final int MAX_SKIPPED_STEPS = 10;

    static final String VISION_PREFIX = "vision_tower.";
    /** Images encoded per call when evaluating. */
    private static final int EVAL_CHUNK = 64;

    private final ClipPretrainerConfig config;

    public ClipPretrainer(ClipPretrainerConfig config) {
        this.config = config;
    }

    /**
     * Trains the vision tower of {@code base} on {@code data} and writes the result to {@code output} (replaced if it
     * exists; it may be {@code base}).
     *
     * @param data at least {@code batchSize} pairs; each step draws {@code batchSize} distinct images (a seeded
     *     order per epoch) and one of each image's captions (seeded per step)
     */
    public PretrainResult train(Path base, List<ImageCaption> data, Path output) {
        return trainGroups(base, data.stream().map(List::of).toList(), output);
    }

    /**
     * Like {@link #train} but each batch is made of whole groups, an image and its hard negatives ({@link
     * HardNegatives}), whose members use the same caption template so that their captions differ only in what was
     * edited.
     *
     * @param groups groups of one size that divides {@code batchSize}, at least one batch of them
     */
    public PretrainResult trainGroups(Path base, List<List<ImageCaption>> groups, Path output) {
        DjlDefaults.apply();
        int groupSize = groups.isEmpty() ? 1 : groups.get(0).size();
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).size() != groupSize) {
                throw new IllegalArgumentException("group " + i + " has " + groups.get(i).size()
                        + " image-caption pairs, group 0 has " + groupSize + "; all groups need one size");
            }
        }
        if (config.batchSize() % groupSize != 0) {
            throw new IllegalArgumentException("batchSize " + config.batchSize()
                    + " is not a multiple of the group size " + groupSize);
        }
        int groupsPerBatch = config.batchSize() / groupSize;
        if (groups.size() < groupsPerBatch) {
            throw new IllegalArgumentException(groups.size() * groupSize
                    + " image-caption pairs are fewer than one batch of " + config.batchSize());
        }
        List<ImageCaption> data = groups.stream().flatMap(List::stream).toList();
        LlavaConfig modelConfig = ConfigReader.readLlavaConfig(base);
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                ConfigReader.readPreprocessorConfig(base, modelConfig.vision().imageSize()));
        int bos;
        Map<String, int[]> tokens;
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(base)) {
            bos = tokenizer.bosId();
            tokens = tokenize(tokenizer, data);
        }
        int stepsPerEpoch = groups.size() / groupsPerBatch;
        LearningRateSchedule schedule = LearningRateSchedule.cosineWithWarmup(config.steps(),
                LearningRateSchedule.warmupSteps(config.steps(), config.warmupRatio()));
        double lr = config.learningRate();
        List<StepMetrics> history = new ArrayList<>();
        try (TrainableModel model = TrainableModel.load(base,
                        name -> name.startsWith(VISION_PREFIX) ? OptionalDouble.of(lr) : OptionalDouble.empty(),
                        Device.cpu());
                NDManager manager = NDManager.newBaseManager(model.model().weightsManager().getDevice());
                ClipHeads heads = ClipHeads.initialise(modelConfig.text().vocabSize(), config.textWidth(),
                        modelConfig.vision().hiddenSize(), config.jointDim(), bos, config.seed(), manager);
                AdamW optimizer = new AdamW(AdamWConfig.defaults().withWeightDecay(config.weightDecay()), manager);
                TrainingProgress progress = config.progressBar()
                        ? TrainingProgress.console("clip", config.steps(), 0)
                        : TrainingProgress.silent()) {
            List<TrainableParameter> parameters = new ArrayList<>(model.parameters());
            parameters.addAll(heads.parameters(lr));
            long begin = System.nanoTime();
            GuardedUpdate update = new GuardedUpdate(optimizer, config.maxGradNorm(), MAX_SKIPPED_STEPS,
                    "lower the learning rate");
            for (int step = 0; step < config.steps(); step++) {
                long stepBegin = System.nanoTime();
                List<ImageCaption> batch = batch(groups, groupsPerBatch, step, stepsPerEpoch);
                double loss = trainStep(model, heads, preprocessor, batch, groupSize, tokens, step, manager);
                double factor = schedule.factor(step);
                int stepNumber = step + 1;
                double gradNorm = update.apply(parameters, loss, factor, () -> "clip step " + stepNumber);
                heads.clampLogitScale();
                double seconds = (System.nanoTime() - stepBegin) / 1e9;
                StepMetrics metrics = new StepMetrics(step, config.steps(), (double) (step + 1) / stepsPerEpoch, loss,
                        lr * factor, gradNorm, config.batchSize() / seconds, seconds,
                        (System.nanoTime() - begin) / 1e9);
                history.add(metrics);
                progress.update(metrics);
            }
            ModelExporter.exportFolder(model, output, DType.F32);
            heads.save(output);
        }
        config.metrics().ifPresent(file -> PretrainMetrics.write(file, history));
        return new PretrainResult(output, history);
    }

    /** One contrastive step over {@code batch}; leaves the gradients in the parameters and returns the loss. */
    private double trainStep(TrainableModel model, ClipHeads heads, ImagePreprocessor preprocessor,
            List<ImageCaption> batch, int groupSize, Map<String, int[]> tokens, int step, NDManager manager) {
        Random pick = new Random(Seeds.mix(config.seed() ^ 0x5DEECE66DL, step));
        List<int[]> captions = new ArrayList<>(batch.size());
        int template = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (i % groupSize == 0) { // one template per group: its captions differ only in the edit
                template = pick.nextInt(Integer.MAX_VALUE);
            }
            List<String> choices = batch.get(i).captions();
            captions.add(tokens.get(choices.get(template % choices.size())));
        }
        // The step's manager holds the pixels and the caption weights until after backward: autograd keeps both.
        try (NDManager scratch = manager.newSubManager()) {
            NDArray pixels = pixels(batch, preprocessor, model.model().config(), scratch); // [N, 3, S, S]
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray features = model.model().encodeVision(pixels, scratch); // [N, P, Dv]
                NDArray loss = heads.contrastiveLoss(heads.embedImages(features),
                        heads.embedCaptions(captions, scratch), scratch);
                RegionBatch regions = RegionBatch.of(batch, (int) features.getShape().get(1));
                if (regions != null) {
                    List<int[]> phrases = regions.phrases().stream().map(tokens::get).toList();
                    loss = loss.add(heads.regionLoss(heads.embedRegions(features, regions.pool(scratch)),
                            heads.embedCaptions(phrases, scratch), regions.targets(), scratch));
                }
                double value = loss.getFloat();
                collector.backward(loss);
                return value;
            }
        }
    }

    /**
     * Image-to-caption top-1 retrieval of the CLIP in {@code folder} (vision tower and {@value ClipHeads#FILE}) over
     * {@code heldOut}: every image against every distinct caption of the list.
     */
    public static RetrievalResult evaluateRetrieval(Path folder, List<ImageCaption> heldOut) {
        return retrieval(folder, heldOut, image -> List.of(image.captions()),
                (heads, features, chunk, scratch) -> heads.embedImages(features));
    }

    /**
     * Region-to-phrase top-1 retrieval of the CLIP in {@code folder} over the regions of {@code heldOut}: every region
     * (its patch features mean-pooled) against every distinct phrase of the list.
     */
    public static RetrievalResult evaluateRegionRetrieval(Path folder, List<ImageCaption> heldOut) {
        return retrieval(folder, heldOut, image -> image.regions().stream().map(r -> List.of(r.phrase())).toList(),
                (heads, features, chunk, scratch) -> heads.embedRegions(features,
                        RegionBatch.of(chunk, (int) features.getShape().get(1)).pool(scratch)));
    }

    /** The queries of a chunk of images embedded for retrieval: one row per query, in {@code answers} order. */
    private interface QueryEmbedder {
        NDArray embed(ClipHeads heads, NDArray features, List<ImageCaption> chunk, NDManager scratch);
    }

    /**
     * Top-1 retrieval over the queries of {@code heldOut}: {@code answers} gives each image's queries (one per
     * image, or one per region), each as the texts that count as right; the candidates are all those texts.
     */
    private static RetrievalResult retrieval(Path folder, List<ImageCaption> heldOut,
            Function<ImageCaption, List<List<String>>> answers, QueryEmbedder embedder) {
        DjlDefaults.apply();
        LlavaConfig modelConfig = ConfigReader.readLlavaConfig(folder);
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                ConfigReader.readPreprocessorConfig(folder, modelConfig.vision().imageSize()));
        Map<String, Integer> candidates = new LinkedHashMap<>();
        heldOut.forEach(image -> answers.apply(image).forEach(texts -> texts.forEach(
                t -> candidates.putIfAbsent(t, candidates.size()))));
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(folder);
                TrainableModel model = TrainableModel.load(folder, name -> OptionalDouble.empty(), Device.cpu());
                NDManager manager = NDManager.newBaseManager(model.model().weightsManager().getDevice());
                ClipHeads heads = ClipHeads.load(folder, tokenizer.bosId(), manager)) {
            List<int[]> candidateIds = new ArrayList<>();
            candidates.keySet().forEach(c -> candidateIds.add(tokenizer.encode(c)));
            NDArray candidateEmbeddings = heads.embedCaptions(candidateIds, manager); // [C, J]
            int queries = 0;
            int correct = 0;
            for (int from = 0; from < heldOut.size(); from += EVAL_CHUNK) {
                List<ImageCaption> chunk = heldOut.subList(from, Math.min(heldOut.size(), from + EVAL_CHUNK));
                List<List<String>> expected = chunk.stream().flatMap(image -> answers.apply(image).stream()).toList();
                if (expected.isEmpty()) {
                    continue;
                }
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray features = model.model().encodeVision(pixels(chunk, preprocessor, modelConfig, scratch),
                            scratch); // [n, P, Dv]
                    NDArray embedded = embedder.embed(heads, features, chunk, scratch); // [Q, J]
                    long[] best = ClipHeads.similarities(embedded, candidateEmbeddings).argMax(1).toLongArray();
                    for (int q = 0; q < expected.size(); q++) {
                        int chosen = (int) best[q];
                        correct += expected.get(q).stream().anyMatch(t -> candidates.get(t) == chosen) ? 1 : 0;
                        queries++;
                    }
                }
            }
            return new RetrievalResult(queries, candidates.size(), correct);
        }
    }

    List<ImageCaption> batch(List<List<ImageCaption>> groups, int groupsPerBatch, int step,
            int stepsPerEpoch) {
        int epoch = step / stepsPerEpoch;
        int[] order = Seeds.permutation(groups.size(), Seeds.mix(config.seed(), epoch));
        int from = (step % stepsPerEpoch) * groupsPerBatch;
        List<ImageCaption> batch = new ArrayList<>(config.batchSize());
        for (int i = from; i < from + groupsPerBatch; i++) {
            batch.addAll(groups.get(order[i]));
        }
        return batch;
    }

    private static Map<String, int[]> tokenize(LlavaTokenizer tokenizer, List<ImageCaption> data) {
        Map<String, int[]> tokens = new HashMap<>();
        for (ImageCaption pair : data) {
            List<String> texts = new ArrayList<>(pair.captions());
            pair.regions().forEach(r -> texts.add(r.phrase()));
            for (String caption : texts) {
                tokens.computeIfAbsent(caption, c -> {
                    int[] ids = tokenizer.encode(c);
                    if (ids.length == 0) {
                        throw new IllegalArgumentException("caption '" + c + "' of " + pair.source()
                                + " has no tokens");
                    }
                    return ids;
                });
            }
        }
        return tokens;
    }

    /**
     * The regions of a batch for {@link ClipHeads#regionLoss}: each region's averaging weights over the batch's
     * {@code N * P} patch features, the batch's distinct phrases and each region's phrase index.
     */
    private record RegionBatch(float[] weights, int rows, int columns, List<String> phrases, int[] targets) {
        /** Null when no image of the batch has regions. */
        static RegionBatch of(List<ImageCaption> batch, int patches) {
            int grid = (int) Math.round(Math.sqrt(patches));
            Map<String, Integer> phraseIndex = new LinkedHashMap<>();
            List<int[]> rowsPatches = new ArrayList<>();
            List<Integer> targets = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                for (ImageRegion region : batch.get(i).regions()) {
                    int[] covered = region.patches(grid);
                    for (int k = 0; k < covered.length; k++) {
                        covered[k] += i * patches;
                    }
                    rowsPatches.add(covered);
                    targets.add(phraseIndex.computeIfAbsent(region.phrase(), p -> phraseIndex.size()));
                }
            }
            if (rowsPatches.isEmpty()) {
                return null;
            }
            int columns = batch.size() * patches;
            float[] weights = new float[rowsPatches.size() * columns];
            for (int r = 0; r < rowsPatches.size(); r++) {
                for (int patch : rowsPatches.get(r)) {
                    weights[r * columns + patch] = 1f / rowsPatches.get(r).length;
                }
            }
            return new RegionBatch(weights, rowsPatches.size(), columns, List.copyOf(phraseIndex.keySet()),
                    targets.stream().mapToInt(Integer::intValue).toArray());
        }

        /** {@code [R, N*P]} in {@code step}, which must stay open until after backward. */
        NDArray pool(NDManager step) {
            return step.create(weights, new Shape(rows, columns));
        }
    }

    /** The batch's preprocessed pixels as one {@code [N, 3, S, S]} array in {@code manager}. */
    private static NDArray pixels(List<ImageCaption> batch, ImagePreprocessor preprocessor, LlavaConfig config,
            NDManager manager) {
        int size = config.vision().imageSize();
        int per = 3 * size * size;
        float[] all = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            PixelValues p = batch.get(i).pixels(preprocessor);
            if (p.channels() != 3 || p.height() != size || p.width() != size) {
                throw new IllegalArgumentException(batch.get(i).source() + ": pixels must be [3, " + size + ", "
                        + size + "] for this vision tower, got [" + p.channels() + ", " + p.height() + ", "
                        + p.width() + "]");
            }
            System.arraycopy(p.chw(), 0, all, i * per, per);
        }
        return manager.create(all, new Shape(batch.size(), 3, size, size));
    }
}
