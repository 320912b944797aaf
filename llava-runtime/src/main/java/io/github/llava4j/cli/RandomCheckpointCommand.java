package io.github.llava4j.cli;

import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.ModelPresets;
import io.github.llava4j.io.RandomCheckpoint;
import io.github.llava4j.io.TensorNames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llava random-checkpoint}: writes a llava-hf folder with random weights in the shape of a real model, so that
 * loading, memory and speed can be measured at real size without downloading weights. Its answers are noise.
 */
@Command(
        name = "random-checkpoint",
        mixinStandardHelpOptions = true,
        description = "Write a random llava-hf checkpoint of a real model's shape (for benchmarks and tests).")
final class RandomCheckpointCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME",
            description = "tiny | tiny-llava-1.1b | llava-1.5-7b")
    String preset;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--dtype", defaultValue = "f16", paramLabel = "f32|f16|bf16",
            description = "on-disk dtype (default: ${DEFAULT-VALUE}, as llava-hf publishes)")
    String dtype;

    @Option(names = "--shards", defaultValue = "0", paramLabel = "N",
            description = "number of safetensors shards (default: 1 for tiny, ~2 GB each otherwise)")
    int shards;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S")
    long seed;

    @Option(names = "--new-names", description = "use the newer transformers tensor names (model.language_model.*)")
    boolean newNames;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LlavaConfig config = preset(preset);
        DType diskType = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32, f16 or bf16, got '" + dtype + "'");
        };
        long start = System.nanoTime();
        RandomCheckpoints.write(config, out, diskType, shards, seed,
                newNames ? TensorNames.Scheme.NEW : TensorNames.Scheme.OLD);
        err.printf(Locale.ROOT, "wrote a random %s checkpoint (%s) to %s in %.1f s%n",
                preset, diskType, out, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    static LlavaConfig preset(String name) {
        return switch (name) {
            case "tiny" -> ModelPresets.tiny();
            case "tiny-llava-1.1b" -> ModelPresets.tinyLlava1_1b();
            case "llava-1.5-7b" -> ModelPresets.llava15_7b();
            default -> throw new IllegalArgumentException(
                    "unknown preset '" + name + "', expected one of tiny, tiny-llava-1.1b, llava-1.5-7b");
        };
    }
}
