package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.io.Checkpoint;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.FileTrees;
import io.github.llava4j.io.SafeTensorsWriter;
import io.github.llava4j.finetune.lora.LoraAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a trained model as a llava-hf folder that the runtime and the LangChain4j model load unchanged: the source
 * folder's configuration and tokenizer files copied, and one {@code model.safetensors} holding every tensor of the
 * source checkpoint (canonical names), trained ones with their new values and LoRA adapters merged into their
 * layers' weights ({@code W + (alpha/r)·B·A}). The folder is assembled beside the target and renamed into place.
 */
public final class ModelExporter {
    /** Stage 1's projector alone, as LLaVA's {@code mm_projector.bin} (canonical llava-hf names). */
    public static final String PROJECTOR_FILE = "mm_projector.safetensors";

    private ModelExporter() {}

    /**
     * @param dtype on-disk dtype of every weight (F32, F16 or BF16)
     * @return names of source tensors that were not carried over (non-float buffers such as {@code position_ids},
     *     which the models recompute)
     */
    public static List<String> exportFolder(TrainableModel trained, Path target, DType dtype) {
        if (!dtype.isWeightType()) {
            throw new IllegalArgumentException("export dtype must be F32, F16 or BF16, got " + dtype);
        }
        Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".tmp-"
                + Long.toHexString(System.nanoTime()));
        List<String> dropped = new ArrayList<>();
        try {
            Files.createDirectories(temp);
            copyConfigurationFiles(trained.folder(), temp);
            writeWeights(trained, temp.resolve(Checkpoint.SINGLE_FILE), dtype, dropped);
            if (Files.exists(target)) {
                FileTrees.deleteRecursively(target);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            FileTrees.deleteRecursively(temp);
            throw new UncheckedIOException(target + ": cannot export (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            FileTrees.deleteRecursively(temp);
            throw e;
        }
        return dropped;
    }

    /** Writes the projector's tensors alone (stage 1's product), FLOAT32. */
    public static void exportProjector(TrainableModel trained, Path file) {
        Map<String, SafeTensorsWriter.TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trained.model().namedWeights().entrySet()) {
            if (e.getKey().startsWith(TrainableModel.PROJECTOR_PREFIX)) {
                tensors.put(e.getKey(), new SafeTensorsWriter.TensorData(DType.F32,
                        e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
            }
        }
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));
    }

    private static void copyConfigurationFiles(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.endsWith(".safetensors") && !name.equals(Checkpoint.INDEX_JSON)
                        && !name.endsWith(".bin") && !name.startsWith(".")) {
                    Files.copy(f, target.resolve(name));
                }
            }
        }
    }

    private static void writeWeights(TrainableModel trained, Path file, DType dtype, List<String> dropped) {
        Map<String, NDArray> live = trained.model().namedWeights();
        Map<String, LoraAdapter> adapted = new HashMap<>();
        trained.lora().ifPresent(l -> l.adapters().forEach(a -> adapted.put(a.layerName() + ".weight", a)));
        String embed = "language_model.model.embed_tokens.weight";
        try (Checkpoint source = Checkpoint.open(trained.folder());
                NDManager manager = NDManager.newBaseManager(trained.model().weightsManager().getDevice())) {
            List<SafeTensorsWriter.Spec> specs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String name : source.names()) {
                if (!source.dtypeOf(name).isWeightType()) {
                    dropped.add(name);
                    continue;
                }
                names.add(name);
                specs.add(new SafeTensorsWriter.Spec(name, dtype, source.shape(name)));
            }
            try (SafeTensorsWriter writer = SafeTensorsWriter.create(file, specs, Map.of("format", "pt"))) {
                for (String name : names) {
                    try (NDManager scratch = manager.newSubManager()) {
                        NDArray value;
                        if (adapted.containsKey(name)) {
                            value = adapted.get(name).mergedWeight(live.get(name), scratch);
                        } else if (live.containsKey(name)) {
                            value = live.get(name);
                        } else if (name.equals("language_model.lm_head.weight") && live.containsKey(embed)
                                && trained.model().config().text().tieWordEmbeddings()) {
                            value = live.get(embed);
                        } else {
                            value = source.load(name, scratch, DataType.FLOAT32); // untouched (unused vision layers)
                        }
                        // toFloatArray is the values in row-major order: the flattened patch kernel needs no reshape
                        writer.write(name, value.toFloatArray());
                    }
                }
                writer.finish();
            }
        }
    }
}
