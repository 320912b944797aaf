package io.github.llava4j.miniature.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.finetune.train.TrainableParameter;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.SafeTensors;
import io.github.llava4j.io.SafeTensorsWriter;
import io.github.llava4j.io.TensorInfo;
import io.github.llava4j.model.Activations;
import io.github.llava4j.model.Scalars;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The parts of the miniature CLIP that LLaVA does not keep: a small text tower and the two heads into the joint
 * space, plus the learned temperature. The vision side is the llava-hf vision tower itself, read where LLaVA reads it
 * (the selected layer's patch features), mean-pooled:
 * <pre>
 *   image:   v = visual_projection(mean_p features[p])                         // [N, J]
 *   caption: h = mean_t token_embedding[t]   (BOS dropped)                     // [N, Dt]
 *            h = h + gelu(text_mlp(h));  c = text_projection(h)               // [N, J]
 *   logits = exp(logit_scale) · normalize(v) · normalize(c)ᵀ                  // [N, N]
 * </pre>
 * Saved as {@value #FILE} beside the checkpoint, F32, with the tensor names {@code text.token_embedding.weight
 * [V, Dt]}, {@code text.mlp.weight [Dt, Dt]}, {@code text.mlp.bias [Dt]}, {@code text_projection.weight [J, Dt]},
 * {@code visual_projection.weight [J, Dv]}, {@code logit_scale [1]} (CLIP's name: the log of the inverse
 * temperature).
 */
public final class ClipHeads implements AutoCloseable {
    /** The file beside the llava-hf checkpoint. */
    public static final String FILE = "clip_text_tower.safetensors";
    /** CLIP's initial temperature 0.07, as a log inverse. */
    public static final double INITIAL_LOGIT_SCALE = Math.log(1 / 0.07);
    /** CLIP clamps the inverse temperature at 100. */
    public static final double MAX_LOGIT_SCALE = Math.log(100);

    static final String TOKEN_EMBEDDING = "text.token_embedding.weight";
    static final String TEXT_MLP_WEIGHT = "text.mlp.weight";
    static final String TEXT_MLP_BIAS = "text.mlp.bias";
    static final String TEXT_PROJECTION = "text_projection.weight";
    static final String VISUAL_PROJECTION = "visual_projection.weight";
    static final String LOGIT_SCALE = "logit_scale";

    private final NDManager manager;
    private final Map<String, NDArray> tensors; // in the order above
    private final int bosId;

    private ClipHeads(NDManager manager, Map<String, NDArray> tensors, int bosId) {
        this.manager = manager;
        this.tensors = tensors;
        this.bosId = bosId;
    }

    /** Fresh heads: normal weights of std 1/sqrt(fan-in) (the embedding 0.1), zero bias, the CLIP temperature. */
    static ClipHeads initialise(int vocabSize, int textWidth, int visionWidth, int jointDim, int bosId, long seed,
            NDManager parent) {
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put(TOKEN_EMBEDDING, normal(manager, random, 0.1, vocabSize, textWidth));
        t.put(TEXT_MLP_WEIGHT, normal(manager, random, 1 / Math.sqrt(textWidth), textWidth, textWidth));
        t.put(TEXT_MLP_BIAS, manager.zeros(new Shape(textWidth)));
        t.put(TEXT_PROJECTION, normal(manager, random, 1 / Math.sqrt(textWidth), jointDim, textWidth));
        t.put(VISUAL_PROJECTION, normal(manager, random, 1 / Math.sqrt(visionWidth), jointDim, visionWidth));
        t.put(LOGIT_SCALE, manager.create(new float[] {(float) INITIAL_LOGIT_SCALE}));
        return new ClipHeads(manager, t, bosId);
    }

    /** Reads {@value #FILE} from {@code folder}. */
    public static ClipHeads load(Path folder, int bosId, NDManager parent) {
        Path file = folder.resolve(FILE);
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> t = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : List.of(TOKEN_EMBEDDING, TEXT_MLP_WEIGHT, TEXT_MLP_BIAS, TEXT_PROJECTION,
                    VISUAL_PROJECTION, LOGIT_SCALE)) {
                if (!st.tensors().containsKey(name)) {
                    throw new CheckpointException(file + ": tensor '" + name + "' is missing");
                }
                TensorInfo info = st.info(name);
                if (info.dtype() != DType.F32) {
                    throw new CheckpointException(file + ": tensor '" + name + "' must be F32, got " + info.dtype());
                }
                FloatBuffer data = st.map(name).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                float[] values = new float[data.remaining()];
                data.get(values);
                t.put(name, manager.create(values, new Shape(info.shape())));
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new ClipHeads(manager, t, bosId);
    }

    /** Writes every tensor to {@code folder/}{@value #FILE}, F32. */
    public void save(Path folder) {
        Map<String, SafeTensorsWriter.TensorData> out = new LinkedHashMap<>();
        tensors.forEach((name, a) -> out.put(name, new SafeTensorsWriter.TensorData(DType.F32,
                a.getShape().getShape(), a.toFloatArray())));
        SafeTensorsWriter.write(folder.resolve(FILE), out, Map.of("format", "pt"));
    }

    /** Every tensor as a trainable parameter of learning rate {@code learningRate}; marks them as requiring grad. */
    List<TrainableParameter> parameters(double learningRate) {
        List<TrainableParameter> params = new ArrayList<>();
        tensors.forEach((name, a) -> {
            a.setRequiresGradient(true);
            params.add(new TrainableParameter(name, a, learningRate));
        });
        return params;
    }

    /** Image embeddings (not normalised) of vision-tower features {@code [N, P, Dv]}: {@code [N, J]}. */
    NDArray embedImages(NDArray features) {
        NDArray pooled = features.mean(new int[] {1}); // [N, Dv]
        return pooled.matMul(transposed(VISUAL_PROJECTION, features.getManager())); // [N, J]
    }

    /**
     * Caption embeddings (not normalised) of tokenised captions: {@code [N, J]}. The mean over tokens is a product
     * with a row-normalised count matrix, which needs no gather; the matrix is created in {@code step}, which must stay
     * open until after the backward pass (autograd keeps it).
     */
    NDArray embedCaptions(List<int[]> captions, NDManager step) {
        NDArray embedding = tensors.get(TOKEN_EMBEDDING);
        int vocab = (int) embedding.getShape().get(0);
        float[] counts = new float[captions.size() * vocab];
        for (int i = 0; i < captions.size(); i++) {
            int[] ids = captions.get(i);
            int kept = 0;
            for (int id : ids) {
                kept += id != bosId ? 1 : 0;
            }
            for (int id : ids) {
                if (id != bosId) {
                    if (id < 0 || id >= vocab) {
                        throw new IllegalArgumentException("token id " + id + " outside the text tower's " + vocab
                                + " ids");
                    }
                    counts[i * vocab + id] += 1f / kept;
                }
            }
        }
        NDArray weights = step.create(counts, new Shape(captions.size(), vocab)); // [N, V]
        NDArray h = weights.matMul(embedding); // [N, Dt]
        NDArray mlp = h.matMul(transposed(TEXT_MLP_WEIGHT, step)).add(tensors.get(TEXT_MLP_BIAS));
        h = h.add(Activations.gelu(mlp));
        return h.matMul(transposed(TEXT_PROJECTION, step)); // [N, J]
    }

    /**
     * CLIP's symmetric InfoNCE: image i matches caption i; the mean of the image-to-caption and caption-to-image
     * cross-entropies over the {@code [N, N]} cosine-similarity logits scaled by {@code exp(logit_scale)}.
     */
    NDArray contrastiveLoss(NDArray images, NDArray captions, NDManager step) {
        long n = images.getShape().get(0);
        NDArray scale = tensors.get(LOGIT_SCALE).exp();
        scale.attach(step); // results attach to the first operand's manager: keep the heads' own manager clean
        NDArray logits = normalise(images).matMul(normalise(captions).transpose()).mul(scale); // [N, N]
        NDArray diagonal = step.eye((int) n);
        NDArray imageToText = logits.logSoftmax(1).mul(diagonal).sum().neg();
        NDArray textToImage = logits.logSoftmax(0).mul(diagonal).sum().neg();
        return Scalars.div(imageToText.add(textToImage), 2 * n);
    }

    /**
     * Region embeddings (not normalised): {@code visual_projection} of the mean of each region's patch features.
     *
     * @param features the vision tower's features {@code [N, P, Dv]}
     * @param pool each region's averaging weights over the {@code N * P} patches: {@code [R, N*P]}
     * @return {@code [R, J]}
     */
    NDArray embedRegions(NDArray features, NDArray pool) {
        Shape s = features.getShape();
        NDArray pooled = pool.matMul(features.reshape(s.get(0) * s.get(1), s.get(2))); // [R, Dv]
        return pooled.matMul(transposed(VISUAL_PROJECTION, features.getManager())); // [R, J]
    }

    /**
     * The region-level loss: region r ({@link #embedRegions}) against the batch's distinct phrases {@code phrases
     * [C, J]} (caption embeddings), the mean cross-entropy of picking phrase {@code targets[r]} over the scaled
     * cosine similarities. One direction only, since several regions may share a phrase.
     */
    NDArray regionLoss(NDArray regions, NDArray phrases, int[] targets, NDManager step) {
        NDArray scale = tensors.get(LOGIT_SCALE).exp();
        scale.attach(step);
        NDArray logits = normalise(regions).matMul(normalise(phrases).transpose()).mul(scale); // [R, C]
        int c = (int) phrases.getShape().get(0);
        float[] oneHot = new float[targets.length * c];
        for (int r = 0; r < targets.length; r++) {
            oneHot[r * c + targets[r]] = 1;
        }
        return Scalars.div(logits.logSoftmax(1).mul(step.create(oneHot, new Shape(targets.length, c))).sum().neg(),
                targets.length);
    }

    /** Cosine similarities {@code [N_img, N_cap]} of image and caption embeddings. */
    static NDArray similarities(NDArray images, NDArray captions) {
        return normalise(images).matMul(normalise(captions).transpose());
    }

    /** Clamps the temperature as CLIP does after each update. */
    void clampLogitScale() {
        NDArray scale = tensors.get(LOGIT_SCALE);
        if (scale.getFloat() > MAX_LOGIT_SCALE) {
            // an alias: torch forbids in-place ops on a leaf that requires grad while grad mode is on
            try (NDArray alias = scale.stopGradient()) {
                alias.muli(0).addi((float) MAX_LOGIT_SCALE);
            }
        }
    }

    /** The current log inverse temperature. */
    public double logitScale() {
        return tensors.get(LOGIT_SCALE).getFloat();
    }

    Map<String, NDArray> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** The transpose of a weight, attached to the step's manager rather than to the weights'. */
    private NDArray transposed(String name, NDManager step) {
        NDArray t = tensors.get(name).transpose();
        t.attach(step);
        return t;
    }

    private static NDArray normalise(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).add(1e-12f).sqrt()); // [N, J]
    }

    private static NDArray normal(NDManager manager, Random random, double std, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, new Shape(rows, cols));
    }
}
