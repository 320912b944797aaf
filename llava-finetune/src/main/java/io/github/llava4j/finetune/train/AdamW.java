package io.github.llava4j.finetune.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.SafeTensors;
import io.github.llava4j.io.SafeTensorsWriter;
import io.github.llava4j.io.TensorInfo;
import io.github.llava4j.model.Scalars;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The AdamW optimizer with {@code torch.optim.AdamW} semantics (no amsgrad): for step {@code t} (1-based)
 * <pre>
 *   p -= lr * weightDecay * p                      (decoupled weight decay, first)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g * g
 *   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * The state (m and v in FLOAT32 per parameter, keyed by the parameter's name, and the step count) is owned here
 * rather than by DJL's optimizer so that it can be saved with a checkpoint and restored for a bit-identical resume.
 * Parameters in FLOAT16 are updated in FLOAT32 and rounded back. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {
    static final String STEP_KEY = "step";

    private final AdamWConfig config;
    private final NDManager state;
    /** Per parameter name: [m, v]. */
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private long steps;
    private boolean closed;

    /** State arrays live in a sub-manager of {@code stateManager}, closed by {@link #close()}. */
    public AdamW(AdamWConfig config, NDManager stateManager) {
        this.config = Objects.requireNonNull(config, "config");
        this.state = stateManager.newSubManager();
    }

    public AdamWConfig config() {
        return config;
    }

    /** Optimizer steps taken (including those restored by {@link #load}). */
    public long stepCount() {
        return steps;
    }

    /** One update of every parameter from {@code value().getGradient()}; lr = {@code baseLearningRate * lrFactor}. */
    public void step(List<TrainableParameter> params, double lrFactor) {
        checkOpen();
        if (!(lrFactor >= 0) || Double.isInfinite(lrFactor)) {
            throw new IllegalArgumentException("lrFactor must be finite and >= 0, got " + lrFactor);
        }
        checkUniqueNames(params);
        for (TrainableParameter p : params) {
            stateOf(p); // created outside the scope below, which would otherwise close them
        }
        long t = steps + 1;
        double beta1 = config.beta1();
        double beta2 = config.beta2();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        for (TrainableParameter p : params) {
            double lr = p.baseLearningRate() * lrFactor;
            NDArray[] mv = moments.get(p.name());
            try (NDScope ignored = new NDScope()) {
                NDArray grad = gradientOf(p);
                NDArray g = grad.getDataType() == DataType.FLOAT32 ? grad : grad.toType(DataType.FLOAT32, false);
                mv[0].muli(beta1).addi(Scalars.mul(g, 1 - beta1));
                mv[1].muli(beta2).addi(g.mul(g).muli(1 - beta2));
                NDArray denom = mv[1].sqrt().divi(bc2Sqrt).addi(config.epsilon());
                NDArray update = mv[0].div(denom).muli(lr / bc1);
                // torch forbids in-place ops on a leaf that requires grad while grad mode is on: update an alias
                NDArray w = p.value().stopGradient();
                if (w.getDataType() == DataType.FLOAT32) {
                    if (config.weightDecay() != 0 && lr != 0) {
                        w.muli(1 - lr * config.weightDecay());
                    }
                    w.subi(update);
                } else {
                    // half-precision weight: form the whole change in FLOAT32, round once
                    if (config.weightDecay() != 0 && lr != 0) {
                        update.addi(w.toType(DataType.FLOAT32, false).muli(lr * config.weightDecay()));
                    }
                    w.subi(update.toType(w.getDataType(), false));
                }
            }
        }
        steps = t;
    }

    /**
     * Writes m and v of every parameter that has state (names {@code m.<name>}, {@code v.<name>}, F32) and the step
     * count (metadata {@code {"step": "<n>"}}) to one safetensors file, atomically.
     */
    public void save(Path file) {
        checkOpen();
        List<SafeTensorsWriter.Spec> specs = new ArrayList<>();
        moments.forEach((name, mv) -> {
            specs.add(new SafeTensorsWriter.Spec("m." + name, DType.F32, mv[0].getShape().getShape()));
            specs.add(new SafeTensorsWriter.Spec("v." + name, DType.F32, mv[1].getShape().getShape()));
        });
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(STEP_KEY, Long.toString(steps));
        metadata.put("format", "llava4j-adamw");
        try (SafeTensorsWriter w = SafeTensorsWriter.create(file, specs, metadata)) {
            moments.forEach((name, mv) -> {
                w.write("m." + name, littleEndian(mv[0]));
                w.write("v." + name, littleEndian(mv[1]));
            });
            w.finish();
        }
    }

    /**
     * Restores the state saved by {@link #save} for {@code params} (replacing any current state). Fails, naming the
     * file and tensor, when a parameter's m or v is missing or has another shape or dtype, or the step count is
     * missing. Tensors of parameters not in {@code params} are ignored.
     */
    public void load(Path file, List<TrainableParameter> params) {
        checkOpen();
        checkUniqueNames(params);
        Map<String, NDArray[]> loaded = new LinkedHashMap<>();
        long loadedSteps;
        try (SafeTensors st = SafeTensors.open(file)) {
            String step = st.metadata().get(STEP_KEY);
            if (step == null) {
                throw new CheckpointException(file + ": no '" + STEP_KEY + "' in the metadata; not an optimizer state");
            }
            try {
                loadedSteps = Long.parseLong(step);
            } catch (NumberFormatException e) {
                throw new CheckpointException(file + ": metadata '" + STEP_KEY + "' is not a number: '" + step + "'");
            }
            if (loadedSteps < 0) {
                throw new CheckpointException(file + ": metadata '" + STEP_KEY + "' is negative: " + loadedSteps);
            }
            for (TrainableParameter p : params) {
                Shape shape = p.value().getShape();
                Device device = p.value().getDevice();
                NDArray[] mv = new NDArray[2];
                loaded.put(p.name(), mv); // registered first so that a failure below closes what was read
                mv[0] = read(st, "m." + p.name(), shape, device);
                mv[1] = read(st, "v." + p.name(), shape, device);
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(AdamW::closeAll);
            throw e;
        }
        moments.values().forEach(AdamW::closeAll);
        moments.clear();
        moments.putAll(loaded);
        steps = loadedSteps;
    }

    /** Sets the gradient of every parameter to zero, in place (also NaN / infinite entries). */
    public static void zeroGradients(List<TrainableParameter> params) {
        Gradients.zero(params);
    }

    /** Frees the state arrays. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            moments.clear();
            state.close();
        }
    }

    private NDArray read(SafeTensors st, String tensor, Shape shape, Device device) {
        if (!st.tensors().containsKey(tensor)) {
            throw new CheckpointException(st.path() + ": no tensor '" + tensor + "' (the optimizer state does not "
                    + "match the trainable parameters)");
        }
        TensorInfo info = st.info(tensor);
        if (info.dtype() != DType.F32) {
            throw new CheckpointException(st.path() + ": tensor '" + tensor + "' has dtype " + info.dtype()
                    + ", expected F32");
        }
        if (!Arrays.equals(info.shape(), shape.getShape())) {
            throw new CheckpointException(st.path() + ": tensor '" + tensor + "' has shape "
                    + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(shape.getShape()));
        }
        FloatBuffer src = st.map(tensor).asFloatBuffer();
        float[] values = new float[src.remaining()];
        src.get(values);
        return onDevice(state.create(values, shape), device);
    }

    private NDArray[] stateOf(TrainableParameter p) {
        NDArray[] mv = moments.get(p.name());
        Shape shape = p.value().getShape();
        if (mv == null) {
            Device device = p.value().getDevice();
            mv = new NDArray[] {onDevice(state.zeros(shape, DataType.FLOAT32), device),
                onDevice(state.zeros(shape, DataType.FLOAT32), device)};
            moments.put(p.name(), mv);
        } else if (!mv[0].getShape().equals(shape)) {
            throw new IllegalArgumentException("parameter '" + p.name() + "' has shape " + shape
                    + " but its optimizer state has " + mv[0].getShape());
        }
        return mv;
    }

    private static NDArray onDevice(NDArray a, Device device) {
        if (a.getDevice().equals(device)) {
            return a;
        }
        NDArray moved = a.toDevice(device, true);
        a.close();
        return moved;
    }

    private static NDArray gradientOf(TrainableParameter p) {
        if (!p.value().hasGradient()) {
            throw new IllegalStateException("parameter '" + p.name() + "' does not require a gradient");
        }
        NDArray grad = p.value().getGradient();
        if (!grad.getShape().equals(p.value().getShape())) {
            throw new IllegalStateException("parameter '" + p.name() + "' has shape " + p.value().getShape()
                    + " but its gradient has " + grad.getShape());
        }
        return grad;
    }

    private static ByteBuffer littleEndian(NDArray a) {
        ByteBuffer b = a.toByteBuffer();
        if (b.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("only little-endian platforms are supported");
        }
        return b;
    }

    private static void checkUniqueNames(List<TrainableParameter> params) {
        Set<String> names = new HashSet<>();
        for (TrainableParameter p : params) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is listed twice");
            }
        }
    }

    private static void closeAll(NDArray[] arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                a.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AdamW is closed");
        }
    }
}
