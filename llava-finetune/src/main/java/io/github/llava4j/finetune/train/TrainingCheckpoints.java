package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.FileTrees;
import io.github.llava4j.io.SafeTensors;
import io.github.llava4j.io.SafeTensorsWriter;
import io.github.llava4j.io.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resumable training checkpoints in {@code <output>/checkpoints/step-NNNNNNNN/}: the trainable tensors
 * ({@code trainable.safetensors}), the optimizer's moments ({@code optimizer.safetensors}) and the run's position and
 * identity ({@code state.json}). Each is written in a hidden temporary folder that is renamed into place, so a
 * checkpoint folder either is complete or does not exist, whenever the process dies.
 */
final class TrainingCheckpoints {
    static final String DIR = "checkpoints";
    static final String TRAINABLE = "trainable.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "state.json";
    private static final String PREFIX = "step-";

    /** What identifies a run: a checkpoint resumes only a run with the same values. */
    record RunIdentity(String stage, long seed, int samples, int batchSize, long totalSteps, List<String> parameters) {}

    /** A checkpoint found on disk. */
    record Saved(Path dir, long step) {}

    private final Path root;
    private final int keep;
    private final ObjectMapper json = new ObjectMapper();

    TrainingCheckpoints(Path output, int keep) {
        this.root = output.resolve(DIR);
        this.keep = keep;
    }

    /** The newest complete checkpoint, if any. */
    Optional<Saved> latest() {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(d.resolve(STATE)))
                    .map(d -> new Saved(d, Long.parseLong(d.getFileName().toString().substring(PREFIX.length()))))
                    .max(Comparator.comparingLong(Saved::step));
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list checkpoints", e);
        }
    }

    /** Writes a checkpoint after {@code step} completed steps, then deletes all but the newest {@code keep}. */
    Path save(long step, RunIdentity identity, List<TrainableParameter> parameters, AdamW optimizer) {
        Path target = root.resolve(String.format("%s%08d", PREFIX, step));
        Path temp = root.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectories(temp);
            Map<String, SafeTensorsWriter.TensorData> tensors = new LinkedHashMap<>();
            for (TrainableParameter p : parameters) {
                tensors.put(p.name(), new SafeTensorsWriter.TensorData(DType.F32, p.value().getShape().getShape(),
                        p.value().toFloatArray()));
            }
            SafeTensorsWriter.write(temp.resolve(TRAINABLE), tensors, Map.of("format", "pt"));
            optimizer.save(temp.resolve(OPTIMIZER));
            ObjectNode state = json.createObjectNode();
            state.put("step", step);
            state.put("stage", identity.stage());
            state.put("seed", identity.seed());
            state.put("samples", identity.samples());
            state.put("batch_size", identity.batchSize());
            state.put("total_steps", identity.totalSteps());
            identity.parameters().forEach(state.putArray("parameters")::add);
            json.writerWithDefaultPrettyPrinter().writeValue(temp.resolve(STATE).toFile(), state);
            if (Files.exists(target)) {
                FileTrees.deleteRecursively(target);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            FileTrees.deleteRecursively(temp);
            throw new UncheckedIOException(target + ": cannot write checkpoint (" + e.getMessage() + ")", e);
        }
        prune();
        return target;
    }

    /**
     * Restores the trainable tensors and the optimizer from {@code saved} after checking it belongs to this run.
     *
     * @throws CheckpointException naming the field when the checkpoint is from a different run
     */
    void restore(Saved saved, RunIdentity identity, List<TrainableParameter> parameters, AdamW optimizer) {
        JsonNode state;
        try {
            state = json.readTree(saved.dir().resolve(STATE).toFile());
        } catch (IOException e) {
            throw new CheckpointException(saved.dir().resolve(STATE) + ": unreadable (" + e.getMessage() + ")", e);
        }
        same(saved, "stage", state.path("stage").asText(), identity.stage());
        same(saved, "seed", state.path("seed").asLong(), identity.seed());
        same(saved, "samples", state.path("samples").asInt(), identity.samples());
        same(saved, "batch_size", state.path("batch_size").asInt(), identity.batchSize());
        same(saved, "total_steps", state.path("total_steps").asLong(), identity.totalSteps());
        List<String> names = new ArrayList<>();
        state.path("parameters").forEach(n -> names.add(n.asText()));
        same(saved, "parameters", names, identity.parameters());
        Path file = saved.dir().resolve(TRAINABLE);
        try (SafeTensors tensors = SafeTensors.open(file)) {
            for (TrainableParameter p : parameters) {
                TensorInfo info = tensors.info(p.name());
                Shape shape = p.value().getShape();
                if (info.dtype() != DType.F32 || !new Shape(info.shape()).equals(shape)) {
                    throw new CheckpointException(file + ": tensor '" + p.name() + "' is " + info.dtype() + " "
                            + new Shape(info.shape()) + ", expected F32 " + shape);
                }
                ByteBuffer bytes = tensors.map(p.name()).order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[Math.toIntExact(shape.size())];
                bytes.asFloatBuffer().get(values);
                overwrite(p.value(), values);
            }
        }
        optimizer.load(saved.dir().resolve(OPTIMIZER), parameters);
    }

    /**
     * Copies {@code values} into a trained array in place, through a detached alias (torch refuses in-place writes to
     * leaves that require gradient). An indexed assignment, not {@code set(float[])}: the latter gives the alias new
     * storage and leaves the weight untouched.
     */
    static void overwrite(NDArray target, float[] values) {
        try (NDArray alias = target.stopGradient();
                NDArray source = target.getManager().create(values, target.getShape())) {
            alias.set(new NDIndex("..."), source);
        }
    }

    private static void same(Saved saved, String field, Object found, Object expected) {
        if (!found.equals(expected)) {
            throw new CheckpointException(saved.dir().resolve(STATE) + ": field '" + field + "' is " + found
                    + " but this run has " + expected + "; resume with the same settings and data, or use another"
                    + " --out folder");
        }
    }

    private void prune() {
        List<Saved> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(d.resolve(STATE)))
                    .forEach(d -> all.add(new Saved(d,
                            Long.parseLong(d.getFileName().toString().substring(PREFIX.length())))));
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list checkpoints", e);
        }
        all.sort(Comparator.comparingLong(Saved::step).reversed());
        for (int i = keep; i < all.size(); i++) {
            FileTrees.deleteRecursively(all.get(i).dir());
        }
    }
}
