package io.github.llava4j.finetune.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.finetune.lora.LoraAdapter;
import io.github.llava4j.finetune.lora.LoraConfig;
import io.github.llava4j.finetune.lora.LoraLayers;
import io.github.llava4j.io.Checkpoint;
import io.github.llava4j.io.LlavaLoader;
import io.github.llava4j.model.KvCache;
import io.github.llava4j.model.LlavaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * A LLaVA model loaded for training: the runtime's own model code over FLOAT32 weights that the model owns (not the
 * read-only file mapping inference uses), optional LoRA adapters, and the stage's trainable parameters marked as
 * requiring gradients. Everything else (the vision tower always; the language model in stage 1 or under LoRA) never
 * gets a gradient and is never written, so it stays bit-identical.
 *
 * <p>Not thread-safe: one trainer drives it.
 */
public final class TrainableModel implements AutoCloseable {
    static final String PROJECTOR_PREFIX = "multi_modal_projector.";
    static final String LANGUAGE_MODEL_PREFIX = "language_model.";

    private final Path folder;
    private final Stage stage;
    private final LlavaModel model;
    private final NDManager adapterManager; // null without LoRA
    private final LoraLayers lora; // null without LoRA
    private final List<TrainableParameter> parameters;

    private TrainableModel(Path folder, Stage stage, LlavaModel model, NDManager adapterManager, LoraLayers lora,
            List<TrainableParameter> parameters) {
        this.folder = folder;
        this.stage = stage;
        this.model = model;
        this.adapterManager = adapterManager;
        this.lora = lora;
        this.parameters = parameters;
    }

    /**
     * Loads {@code folder} (a llava-hf checkpoint) for {@code stage}.
     *
     * @param learningRate the language model's (or its adapters') learning rate; the projector's too in stage 1
     * @param projectorLearningRate the projector's learning rate in stage 2 (LLaVA's {@code mm_projector_lr}); empty
     *     for the same as {@code learningRate}
     * @param lora adapters instead of full language-model training (stage 2 only); null for none
     * @param seed initialisation seed of the LoRA A matrices
     */
    public static TrainableModel load(Path folder, Stage stage, double learningRate,
            Optional<Double> projectorLearningRate, LoraConfig lora, long seed, Device device) {
        if (lora != null && !stage.trainsLanguageModel()) {
            throw new IllegalArgumentException("LoRA adapts the language model, which stage 1 keeps frozen");
        }
        double projectorLr = projectorLearningRate.orElse(learningRate);
        boolean fullLanguageModel = stage.trainsLanguageModel() && lora == null;
        return load(folder, name -> {
            if (name.startsWith(PROJECTOR_PREFIX)) {
                return OptionalDouble.of(stage.trainsLanguageModel() ? projectorLr : learningRate);
            }
            return name.startsWith(LANGUAGE_MODEL_PREFIX) && fullLanguageModel
                    ? OptionalDouble.of(learningRate)
                    : OptionalDouble.empty();
        }, lora, learningRate, seed, device, stage);
    }

    /**
     * Loads {@code folder} training exactly the weights {@code learningRates} gives a rate for (by canonical name;
     * the CLIP patch kernel is flattened, see {@code LlavaModel.namedWeights}): for training beyond LLaVA's two
     * stages, such as pretraining a language model or a vision tower from scratch.
     */
    public static TrainableModel load(Path folder, Function<String, OptionalDouble> learningRates, Device device) {
        return load(folder, learningRates, null, 0, 0, device, Stage.STAGE2);
    }

    private static TrainableModel load(Path folder, Function<String, OptionalDouble> learningRates, LoraConfig lora,
            double loraLearningRate, long seed, Device device, Stage stage) {
        LlavaConfig config = ConfigReader.readLlavaConfig(folder);
        NDManager adapterManager = lora == null ? null : NDManager.newBaseManager(device);
        LoraLayers layers = lora == null ? null : new LoraLayers(lora, adapterManager, seed);
        LlavaModel model;
        try (Checkpoint checkpoint = Checkpoint.open(folder)) {
            model = LlavaLoader.load(new WritableWeights(checkpoint), config, DataType.FLOAT32, device,
                    layers == null ? LlavaLoader.LinearHook.NONE : layers.hook());
        } catch (RuntimeException e) {
            if (adapterManager != null) {
                adapterManager.close();
            }
            throw e;
        }
        List<TrainableParameter> parameters = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : model.namedWeights().entrySet()) {
            OptionalDouble lr = learningRates.apply(e.getKey());
            if (lr.isPresent()) {
                parameters.add(new TrainableParameter(e.getKey(), e.getValue(), lr.getAsDouble()));
            }
        }
        if (layers != null) {
            for (LoraAdapter adapter : layers.adapters()) {
                parameters.add(new TrainableParameter(loraAName(adapter.layerName()), adapter.a(), loraLearningRate));
                parameters.add(new TrainableParameter(loraBName(adapter.layerName()), adapter.b(), loraLearningRate));
            }
        }
        for (TrainableParameter p : parameters) {
            p.value().setRequiresGradient(true);
        }
        return new TrainableModel(folder, stage, model, adapterManager, layers,
                Collections.unmodifiableList(parameters));
    }

    /** Trainable-parameter name of a LoRA A matrix. */
    public static String loraAName(String layerName) {
        return "lora_A." + layerName;
    }

    /** Trainable-parameter name of a LoRA B matrix. */
    public static String loraBName(String layerName) {
        return "lora_B." + layerName;
    }

    /** The checkpoint folder the model was loaded from. */
    public Path folder() {
        return folder;
    }

    public Stage stage() {
        return stage;
    }

    public LlavaModel model() {
        return model;
    }

    /** The LoRA adapters, if the model was loaded with them. */
    public Optional<LoraLayers> lora() {
        return Optional.ofNullable(lora);
    }

    /** What the optimizer updates, in a stable order. */
    public List<TrainableParameter> parameters() {
        return parameters;
    }

    /**
     * The loss of one sample; record it in a gradient collector to train.
     *
     * @param inputIds compact ids (one image token per image)
     * @param labels aligned with {@code inputIds}, -100 where masked
     * @param visionFeatures the frozen tower's features of the sample's image {@code [1, P, D_vision]}, or null for a
     *     text-only sample
     * @return the scalar mean cross-entropy over the learned positions, attached to {@code step}
     */
    public NDArray loss(int[] inputIds, int[] labels, NDArray visionFeatures, NDManager step) {
        List<NDArray> images = new ArrayList<>();
        if (visionFeatures != null) {
            images.add(model.project(visionFeatures, step)); // [1, P, D]
        }
        NDArray embeds = model.embed(inputIds, images, step); // [T', D]
        int length = (int) embeds.getShape().get(0);
        // the cache stays open until the step's manager closes: autograd reads the cached keys and values
        KvCache cache = model.newKvCache(length, step);
        NDArray logits = model.forward(embeds, cache, true, step); // [T', V]
        return CausalLmLoss.mean(logits, expandLabels(inputIds, labels), step);
    }

    /**
     * The losses of several samples computed in one decoder pass, packed end to end (each attends only to itself, so
     * every loss equals what {@link #loss} gives for the sample alone). Fewer, larger calls: on small models the
     * per-operation overhead, not arithmetic, bounds the speed.
     *
     * @param visionFeatures per sample {@code [1, P, D_vision]} or null for a text-only sample
     * @return per sample the scalar mean cross-entropy, attached to {@code step}
     */
    public List<NDArray> losses(List<int[]> inputIds, List<int[]> labels, List<NDArray> visionFeatures,
            NDManager step) {
        int n = inputIds.size();
        if (labels.size() != n || visionFeatures.size() != n || n == 0) {
            throw new IllegalArgumentException("need as many labels and feature entries as samples (" + n + "), got "
                    + labels.size() + " and " + visionFeatures.size());
        }
        List<NDArray> embeds = new ArrayList<>(n);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            List<NDArray> images = new ArrayList<>();
            if (visionFeatures.get(i) != null) {
                images.add(model.project(visionFeatures.get(i), step)); // [1, P, D]
            }
            NDArray e = model.embed(inputIds.get(i), images, step); // [T_i, D]
            embeds.add(e);
            lengths[i] = (int) e.getShape().get(0);
        }
        // pairwise: NDArrays.concat over the list loses the autograd graph in DJL's PyTorch engine (measured)
        NDArray packed = embeds.get(0); // [sum T_i, D] once joined
        for (int i = 1; i < n; i++) {
            packed = packed.concat(embeds.get(i), 0);
        }
        packed.attach(step);
        NDArray logits = model.forwardPacked(packed, lengths, step); // [sum T_i, V]
        List<NDArray> losses = new ArrayList<>(n);
        int offset = 0;
        for (int i = 0; i < n; i++) {
            NDArray rows = logits.get(new NDIndex("{}:{}", offset, offset + lengths[i]));
            rows.attach(step);
            losses.add(CausalLmLoss.mean(rows, expandLabels(inputIds.get(i), labels.get(i)), step));
            offset += lengths[i];
        }
        return losses;
    }

    /** Vision features of preprocessed pixels {@code [1, C, S, S]}, computed without recording gradients. */
    public NDArray visionFeatures(NDArray pixels, NDManager out) {
        return model.encodeVision(pixels, out);
    }

    /** Labels aligned with the decoder's positions: each image token stands for imageSeqLength masked positions. */
    int[] expandLabels(int[] inputIds, int[] labels) {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException(
                    inputIds.length + " input ids but " + labels.length + " labels; they must align");
        }
        int imageToken = model.config().imageTokenIndex();
        int seq = model.config().imageSeqLength();
        int length = model.expandedLength(inputIds);
        if (length == inputIds.length) {
            return labels;
        }
        int[] expanded = new int[length];
        int k = 0;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i] == imageToken) {
                for (int j = 0; j < seq; j++) {
                    expanded[k++] = io.github.llava4j.finetune.masking.MaskedSample.IGNORE_INDEX;
                }
            } else {
                expanded[k++] = labels[i];
            }
        }
        return expanded;
    }

    @Override
    public void close() {
        model.close();
        if (adapterManager != null) {
            adapterManager.close();
        }
    }
}
