package io.github.llava4j.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import io.github.llava4j.model.ClipAttention;
import io.github.llava4j.model.ClipEncoderLayer;
import io.github.llava4j.model.ClipMlp;
import io.github.llava4j.model.ClipVisionTower;
import io.github.llava4j.model.LayerNorm;
import io.github.llava4j.model.Linear;
import io.github.llava4j.model.LinearProjector;
import io.github.llava4j.model.LlamaAttention;
import io.github.llava4j.model.LlamaDecoder;
import io.github.llava4j.model.LlamaDecoderLayer;
import io.github.llava4j.model.LlamaMlp;
import io.github.llava4j.model.LlavaModel;
import io.github.llava4j.model.Mlp2xGeluProjector;
import io.github.llava4j.model.PatchEmbedding;
import io.github.llava4j.model.Projector;
import io.github.llava4j.model.RmsNorm;
import io.github.llava4j.model.RotaryEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the canonical tensor names of a LLaVA checkpoint (the older llava-hf scheme, see {@link TensorSource}) to the
 * model's blocks, checking every tensor's shape against the config before it is read.
 *
 * <p>Big matrices (projections, embeddings, patch kernel) are loaded as the requested weight dtype; norm weights,
 * biases, the class and position embeddings always as FLOAT32. Tensors that are never used are not loaded:
 * {@code *.position_ids}, {@code *.rotary_emb.inv_freq}, vision layers past the feature layer and
 * {@code post_layernorm}. Any other tensor the model does not use is an error, as is a missing one. With tied word
 * embeddings {@code lm_head} is the embedding matrix itself (a stored {@code lm_head} is then ignored).
 *
 * <p>The {@code linear} projector (LLaVA v1) is read from {@code multi_modal_projector.linear_1.*}.
 */
public final class LlavaLoader {
    private static final String VISION = "vision_tower.vision_model.";
    private static final String PROJECTOR = "multi_modal_projector.";
    private static final String TEXT = "language_model.model.";
    private static final String LM_HEAD = "language_model.lm_head.weight";
    private static final Pattern VISION_LAYER = Pattern.compile("^" + Pattern.quote(VISION + "encoder.layers.")
            + "(\\d+)\\..*");

    /**
     * Lets the caller replace a linear layer as it is built, e.g. to attach a LoRA adapter for fine-tuning. Called
     * with the layer's canonical name without {@code .weight} (e.g. {@code
     * language_model.model.layers.0.self_attn.q_proj}) for the projector and decoder layers.
     */
    @FunctionalInterface
    public interface LinearHook {
        LinearHook NONE = (name, linear) -> linear;

        Linear apply(String name, Linear linear);
    }

    private final TensorSource source;
    private final LlavaConfig config;
    private final DataType weightDtype;
    private final NDManager manager;
    private final LinearHook hook;
    private final Map<String, NDArray> loaded = new LinkedHashMap<>();

    private LlavaLoader(
            TensorSource source, LlavaConfig config, DataType weightDtype, NDManager manager, LinearHook hook) {
        this.source = source;
        this.config = config;
        this.weightDtype = weightDtype;
        this.manager = manager;
        this.hook = hook;
    }

    /**
     * Loads a model on {@code device}, with big matrices as {@code weightDtype} (FLOAT32 or FLOAT16).
     *
     * @throws CheckpointException naming the tensor when one is missing, has the wrong shape, or is unexpected
     */
    public static LlavaModel load(TensorSource weights, LlavaConfig config, DataType weightDtype, Device device) {
        return load(weights, config, weightDtype, device, LinearHook.NONE);
    }

    /** As {@link #load(TensorSource, LlavaConfig, DataType, Device)}, passing projector and decoder layers to hook. */
    public static LlavaModel load(
            TensorSource weights, LlavaConfig config, DataType weightDtype, Device device, LinearHook hook) {
        if (weightDtype != DataType.FLOAT32 && weightDtype != DataType.FLOAT16) {
            throw new CheckpointException("weight dtype must be FLOAT32 or FLOAT16, got " + weightDtype);
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            LlavaLoader loader = new LlavaLoader(weights, config, weightDtype, manager, hook);
            loader.checkNoUnexpected();
            ClipVisionTower tower = loader.visionTower();
            Projector projector = loader.projector();
            LlamaDecoder decoder = loader.decoder();
            return new LlavaModel(config, manager, tower, projector, decoder, loader.loaded);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private ClipVisionTower visionTower() {
        ClipVisionConfig v = config.vision();
        long d = v.hiddenSize();
        long p = v.patchSize();
        NDArray kernel = big(VISION + "embeddings.patch_embedding.weight", d, v.numChannels(), p, p);
        // A copy, not a view: the loaded array may wrap memory it keeps alive itself (a direct buffer, a mapped
        // file), and a view of it would not; closing the original under a view left the kernel reading freed memory
        // (NaN features, seen only when the garbage collector ran at the wrong moment).
        NDArray flatKernel;
        try (NDArray view = kernel.reshape(d, v.numChannels() * p * p)) {
            flatKernel = view.duplicate();
        }
        flatKernel.attach(manager);
        kernel.close();
        loaded.put(VISION + "embeddings.patch_embedding.weight", flatKernel);
        PatchEmbedding embeddings = new PatchEmbedding(
                new Linear(flatKernel, null),
                small(VISION + "embeddings.class_embedding", d),
                small(VISION + "embeddings.position_embedding.weight", v.numPositions(), d),
                v.patchSize());
        LayerNorm pre = layerNorm(VISION + "pre_layrnorm", d, v.layerNormEps());
        List<ClipEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.visionLayersToRun(); i++) {
            String prefix = VISION + "encoder.layers." + i + ".";
            ClipAttention attention = new ClipAttention(
                    linear(prefix + "self_attn.q_proj", d, d, true),
                    linear(prefix + "self_attn.k_proj", d, d, true),
                    linear(prefix + "self_attn.v_proj", d, d, true),
                    linear(prefix + "self_attn.out_proj", d, d, true),
                    v.numAttentionHeads());
            ClipMlp mlp = new ClipMlp(
                    linear(prefix + "mlp.fc1", v.intermediateSize(), d, true),
                    linear(prefix + "mlp.fc2", d, v.intermediateSize(), true),
                    v.hiddenAct());
            layers.add(new ClipEncoderLayer(
                    layerNorm(prefix + "layer_norm1", d, v.layerNormEps()),
                    attention,
                    layerNorm(prefix + "layer_norm2", d, v.layerNormEps()),
                    mlp));
        }
        return new ClipVisionTower(embeddings, pre, layers, config.featureSelect());
    }

    private Projector projector() {
        long dv = config.vision().hiddenSize();
        long d = config.text().hiddenSize();
        boolean bias = config.projectorBias();
        if (config.projectorType() == ProjectorType.LINEAR) {
            return new LinearProjector(hooked(PROJECTOR + "linear_1", d, dv, bias));
        }
        return new Mlp2xGeluProjector(
                hooked(PROJECTOR + "linear_1", d, dv, bias), hooked(PROJECTOR + "linear_2", d, d, bias));
    }

    private LlamaDecoder decoder() {
        LlamaTextConfig t = config.text();
        long d = t.hiddenSize();
        long kv = t.kvDim();
        NDArray embed = big(TEXT + "embed_tokens.weight", t.vocabSize(), d);
        List<LlamaDecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String prefix = TEXT + "layers." + i + ".";
            LlamaAttention attention = new LlamaAttention(
                    hooked(prefix + "self_attn.q_proj", d, d, false),
                    hooked(prefix + "self_attn.k_proj", kv, d, false),
                    hooked(prefix + "self_attn.v_proj", kv, d, false),
                    hooked(prefix + "self_attn.o_proj", d, d, false),
                    t.numAttentionHeads(),
                    t.numKeyValueHeads(),
                    t.headDim());
            LlamaMlp mlp = new LlamaMlp(
                    hooked(prefix + "mlp.gate_proj", t.intermediateSize(), d, false),
                    hooked(prefix + "mlp.up_proj", t.intermediateSize(), d, false),
                    hooked(prefix + "mlp.down_proj", d, t.intermediateSize(), false));
            layers.add(new LlamaDecoderLayer(
                    new RmsNorm(small(prefix + "input_layernorm.weight", d), t.rmsNormEps()),
                    attention,
                    new RmsNorm(small(prefix + "post_attention_layernorm.weight", d), t.rmsNormEps()),
                    mlp));
        }
        RmsNorm norm = new RmsNorm(small(TEXT + "norm.weight", d), t.rmsNormEps());
        NDArray head = t.tieWordEmbeddings() ? embed : big(LM_HEAD, t.vocabSize(), d);
        RotaryEmbedding rotary =
                new RotaryEmbedding(t.headDim(), t.ropeTheta(), t.maxPositionEmbeddings(), manager);
        return new LlamaDecoder(t, embed, layers, norm, new Linear(head, null), rotary);
    }

    private Linear hooked(String prefix, long out, long in, boolean bias) {
        return Objects.requireNonNull(hook.apply(prefix, linear(prefix, out, in, bias)), "LinearHook result");
    }

    private Linear linear(String prefix, long out, long in, boolean bias) {
        return new Linear(big(prefix + ".weight", out, in), bias ? small(prefix + ".bias", out) : null);
    }

    private LayerNorm layerNorm(String prefix, long d, double eps) {
        return new LayerNorm(small(prefix + ".weight", d), small(prefix + ".bias", d), eps);
    }

    private NDArray big(String name, long... shape) {
        return tensor(name, weightDtype, shape);
    }

    private NDArray small(String name, long... shape) {
        return tensor(name, DataType.FLOAT32, shape);
    }

    private NDArray tensor(String name, DataType dtype, long... expected) {
        if (!source.names().contains(name)) {
            throw new CheckpointException("missing tensor '" + name + "' (expected shape " + Arrays.toString(expected)
                    + ") in " + source.describe());
        }
        checkShape(name, expected);
        NDArray array = source.load(name, manager, dtype);
        array = checked(name, array, dtype, expected);
        if (!name.equals(VISION + "embeddings.patch_embedding.weight")) {
            loaded.put(name, array);
        }
        return array;
    }

    private NDArray checked(String name, NDArray array, DataType dtype, long[] expected) {
        if (!array.getShape().equals(new Shape(expected))) {
            throw new CheckpointException("tensor '" + name + "' loaded from " + source.describe() + " as "
                    + array.getShape() + ", expected " + Arrays.toString(expected));
        }
        if (!array.getDevice().equals(manager.getDevice()) || array.getManager() != manager) {
            NDArray moved = array.toDevice(manager.getDevice(), true);
            moved.attach(manager);
            array.close();
            array = moved;
        }
        if (array.getDataType() != dtype) {
            NDArray cast = array.toType(dtype, true);
            cast.attach(manager);
            array.close();
            array = cast;
        }
        return array;
    }

    /**
     * Fails on names the model would neither load nor knowingly skip, before anything is read; tensors skipped because
     * they are unused (vision layers past the feature layer, post_layernorm) still get their shapes checked.
     */
    private void checkNoUnexpected() {
        Set<String> expected = expectedNames();
        Set<String> unexpected = new TreeSet<>();
        for (String name : source.names()) {
            if (expected.contains(name) || name.endsWith(".position_ids") || name.endsWith(".rotary_emb.inv_freq")
                    || (name.equals(LM_HEAD) && config.text().tieWordEmbeddings())) {
                continue;
            }
            long[] skippedShape = skippedVisionShape(name);
            if (skippedShape == null) {
                unexpected.add(name);
            } else {
                checkShape(name, skippedShape);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointException("unexpected tensor" + (unexpected.size() == 1 ? " " : "s ")
                    + String.join(", ", unexpected) + " in " + source.describe()
                    + " (not part of a model with this config)");
        }
    }

    /** Expected shape of an unused vision tensor (not loaded), or null when the name is not one. */
    private long[] skippedVisionShape(String name) {
        long d = config.vision().hiddenSize();
        long inner = config.vision().intermediateSize();
        if (name.equals(VISION + "post_layernorm.weight") || name.equals(VISION + "post_layernorm.bias")) {
            return new long[] {d};
        }
        Matcher m = VISION_LAYER.matcher(name);
        if (!m.matches()) {
            return null;
        }
        int layer = Integer.parseInt(m.group(1));
        if (layer < config.visionLayersToRun() || layer >= config.vision().numHiddenLayers()) {
            return null;
        }
        String suffix = name.substring((VISION + "encoder.layers." + layer + ".").length());
        return switch (suffix) {
            case "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                    "self_attn.out_proj.weight" -> new long[] {d, d};
            case "mlp.fc1.weight" -> new long[] {inner, d};
            case "mlp.fc2.weight" -> new long[] {d, inner};
            case "mlp.fc1.bias" -> new long[] {inner};
            case "self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias", "self_attn.out_proj.bias",
                    "mlp.fc2.bias", "layer_norm1.weight", "layer_norm1.bias", "layer_norm2.weight",
                    "layer_norm2.bias" -> new long[] {d};
            default -> null;
        };
    }

    private void checkShape(String name, long[] expected) {
        long[] actual = source.shape(name);
        if (!Arrays.equals(actual, expected)) {
            throw new CheckpointException("tensor '" + name + "' in " + source.describe() + " has shape "
                    + Arrays.toString(actual) + ", expected " + Arrays.toString(expected) + " from the config");
        }
    }

    private Set<String> expectedNames() {
        Set<String> names = new HashSet<>();
        names.add(VISION + "embeddings.patch_embedding.weight");
        names.add(VISION + "embeddings.class_embedding");
        names.add(VISION + "embeddings.position_embedding.weight");
        names.add(VISION + "pre_layrnorm.weight");
        names.add(VISION + "pre_layrnorm.bias");
        for (int i = 0; i < config.visionLayersToRun(); i++) {
            String p = VISION + "encoder.layers." + i + ".";
            for (String s : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj",
                    "mlp.fc1", "mlp.fc2", "layer_norm1", "layer_norm2")) {
                names.add(p + s + ".weight");
                names.add(p + s + ".bias");
            }
        }
        List<String> projectors = config.projectorType() == ProjectorType.LINEAR
                ? List.of("linear_1")
                : List.of("linear_1", "linear_2");
        for (String s : projectors) {
            names.add(PROJECTOR + s + ".weight");
            if (config.projectorBias()) {
                names.add(PROJECTOR + s + ".bias");
            }
        }
        names.add(TEXT + "embed_tokens.weight");
        names.add(TEXT + "norm.weight");
        if (!config.text().tieWordEmbeddings()) {
            names.add(LM_HEAD);
        }
        for (int i = 0; i < config.text().numHiddenLayers(); i++) {
            String p = TEXT + "layers." + i + ".";
            for (String s : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm")) {
                names.add(p + s + ".weight");
            }
        }
        return names;
    }
}
