package io.github.llava4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.config.ClipVisionConfig;
import io.github.llava4j.config.ConfigWriter;
import io.github.llava4j.config.GenerationDefaults;
import io.github.llava4j.config.LlamaTextConfig;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.PreprocessorConfig;
import io.github.llava4j.config.ProjectorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Writes a complete llava-hf checkpoint folder with random weights for a {@link LlavaConfig}: config.json,
 * preprocessor_config.json, generation_config.json, the weights (one {@code model.safetensors} or an index plus
 * shards) and optionally a tokenizer.json copied in.
 *
 * <p>Tensors are generated and written one at a time in small chunks, so a 7B checkpoint (14 GB in f16) is written
 * with little memory. Values are uniform with the requested standard deviation, from a per-tensor seeded
 * {@link SplittableRandom}; norm weights are 1 plus noise so that tests are not degenerate.
 */
public final class RandomCheckpoint {
    private static final int CHUNK = 1 << 16;
    private static final double SQRT3 = Math.sqrt(3.0);

    private final LlavaConfig config;
    private final long seed;
    private final DType dtype;
    private final TensorNames.Scheme scheme;
    private final int shards;
    private final double std;
    private final double normNoise;
    private final Path tokenizerJson;

    private RandomCheckpoint(Builder b) {
        this.config = b.config;
        this.seed = b.seed;
        this.dtype = b.dtype;
        this.scheme = b.scheme;
        this.shards = b.shards;
        this.std = b.std;
        this.normNoise = b.normNoise;
        this.tokenizerJson = b.tokenizerJson;
    }

    public static Builder builder(LlavaConfig config) {
        return new Builder(config);
    }

    /**
     * Options of a random checkpoint; defaults: seed 0, F32, OLD names, 1 file, std 0.02, norm noise 0.1, no
     * tokenizer.
     */
    public static final class Builder {
        private final LlavaConfig config;
        private long seed;
        private DType dtype = DType.F32;
        private TensorNames.Scheme scheme = TensorNames.Scheme.OLD;
        private int shards = 1;
        private double std = 0.02;
        private double normNoise = 0.1;
        private Path tokenizerJson;

        private Builder(LlavaConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** On-disk dtype: F32, F16 or BF16. */
        public Builder dtype(DType dtype) {
            if (!dtype.isWeightType()) {
                throw new IllegalArgumentException("weights are F32, F16 or BF16, got " + dtype);
            }
            this.dtype = dtype;
            return this;
        }

        public Builder scheme(TensorNames.Scheme scheme) {
            this.scheme = Objects.requireNonNull(scheme);
            return this;
        }

        /** 1 writes a single model.safetensors; N > 1 writes an index and N shards. */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be >= 1, got " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Standard deviation of weights, biases and embeddings. */
        public Builder std(double std) {
            if (!(std >= 0)) {
                throw new IllegalArgumentException("std must be >= 0, got " + std);
            }
            this.std = std;
            return this;
        }

        /** Standard deviation of the noise around 1 of norm weights (default 0.1, visible even in bf16). */
        public Builder normNoise(double normNoise) {
            if (!(normNoise >= 0)) {
                throw new IllegalArgumentException("normNoise must be >= 0, got " + normNoise);
            }
            this.normNoise = normNoise;
            return this;
        }

        /** A tokenizer.json to copy into the folder. */
        public Builder tokenizerJson(Path file) {
            this.tokenizerJson = file;
            return this;
        }

        public RandomCheckpoint build() {
            return new RandomCheckpoint(this);
        }

        /** Shorthand for {@code build().write(dir)}. */
        public void write(Path dir) {
            build().write(dir);
        }
    }

    /** Every tensor of a llava-hf checkpoint for {@code config}: canonical name to shape, in a stable order. */
    public static Map<String, long[]> tensorShapes(LlavaConfig config) {
        Map<String, long[]> s = new LinkedHashMap<>();
        ClipVisionConfig v = config.vision();
        long dv = v.hiddenSize();
        String vp = "vision_tower.vision_model.";
        s.put(vp + "embeddings.class_embedding", new long[] {dv});
        s.put(vp + "embeddings.patch_embedding.weight", new long[] {dv, v.numChannels(), v.patchSize(), v.patchSize()});
        s.put(vp + "embeddings.position_embedding.weight", new long[] {v.numPositions(), dv});
        norm(s, vp + "pre_layrnorm", dv, true);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            String p = vp + "encoder.layers." + i + ".";
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                linear(s, p + "self_attn." + proj, dv, dv, true);
            }
            norm(s, p + "layer_norm1", dv, true);
            linear(s, p + "mlp.fc1", v.intermediateSize(), dv, true);
            linear(s, p + "mlp.fc2", dv, v.intermediateSize(), true);
            norm(s, p + "layer_norm2", dv, true);
        }
        norm(s, vp + "post_layernorm", dv, true);
        LlamaTextConfig t = config.text();
        long d = t.hiddenSize();
        linear(s, "multi_modal_projector.linear_1", d, dv, config.projectorBias());
        if (config.projectorType() == ProjectorType.MLP2X_GELU) {
            linear(s, "multi_modal_projector.linear_2", d, d, config.projectorBias());
        }
        String tp = "language_model.model.";
        s.put(tp + "embed_tokens.weight", new long[] {t.vocabSize(), d});
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String p = tp + "layers." + i + ".";
            norm(s, p + "input_layernorm", d, false);
            linear(s, p + "self_attn.q_proj", d, d, false);
            linear(s, p + "self_attn.k_proj", t.kvDim(), d, false);
            linear(s, p + "self_attn.v_proj", t.kvDim(), d, false);
            linear(s, p + "self_attn.o_proj", d, d, false);
            norm(s, p + "post_attention_layernorm", d, false);
            linear(s, p + "mlp.gate_proj", t.intermediateSize(), d, false);
            linear(s, p + "mlp.up_proj", t.intermediateSize(), d, false);
            linear(s, p + "mlp.down_proj", d, t.intermediateSize(), false);
        }
        norm(s, tp + "norm", d, false);
        if (!t.tieWordEmbeddings()) {
            s.put("language_model.lm_head.weight", new long[] {t.vocabSize(), d});
        }
        return s;
    }

    private static void linear(Map<String, long[]> s, String prefix, long out, long in, boolean bias) {
        s.put(prefix + ".weight", new long[] {out, in});
        if (bias) {
            s.put(prefix + ".bias", new long[] {out});
        }
    }

    private static void norm(Map<String, long[]> s, String prefix, long dim, boolean bias) {
        s.put(prefix + ".weight", new long[] {dim});
        if (bias) {
            s.put(prefix + ".bias", new long[] {dim});
        }
    }

    /** Writes the folder (created if needed); every file appears atomically. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot create folder (" + e.getMessage() + ")", e);
        }
        ConfigWriter.writeLlavaConfig(dir, config);
        ConfigWriter.writePreprocessorConfig(dir, PreprocessorConfig.clipDefaults(config.vision().imageSize()));
        LlamaTextConfig t = config.text();
        ConfigWriter.writeGenerationDefaults(dir,
                new GenerationDefaults(t.bosTokenId(), List.of(t.eosTokenId()), config.padTokenId()));
        if (tokenizerJson != null) {
            try {
                Files.copy(tokenizerJson, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CheckpointException(tokenizerJson + ": cannot copy to " + dir + " (" + e.getMessage() + ")",
                        e);
            }
        }
        writeWeights(dir);
    }

    private void writeWeights(Path dir) {
        List<SafeTensorsWriter.Spec> specs = new ArrayList<>();
        tensorShapes(config).forEach((name, shape) ->
                specs.add(new SafeTensorsWriter.Spec(TensorNames.inScheme(name, scheme), dtype, shape)));
        Map<String, String> metadata = Map.of("format", "pt");
        if (shards == 1) {
            writeFile(dir.resolve(Checkpoint.SINGLE_FILE), specs, metadata);
            return;
        }
        if (shards > specs.size()) {
            throw new IllegalArgumentException("cannot spread " + specs.size() + " tensors over " + shards + " shards");
        }
        List<List<SafeTensorsWriter.Spec>> groups = split(specs);
        ObjectNode index = new ObjectMapper().createObjectNode();
        long total = specs.stream().mapToLong(SafeTensorsWriter.Spec::byteLength).sum();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < groups.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, groups.size());
            writeFile(dir.resolve(file), groups.get(i), metadata);
            groups.get(i).forEach(s -> weightMap.put(s.name(), file));
        }
        Path indexFile = dir.resolve(Checkpoint.INDEX_JSON);
        try {
            Path tmp = dir.resolve("." + Checkpoint.INDEX_JSON + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            Files.write(tmp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(index),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(indexFile + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** Contiguous groups of roughly equal bytes, none empty. */
    private List<List<SafeTensorsWriter.Spec>> split(List<SafeTensorsWriter.Spec> specs) {
        long total = Math.max(1, specs.stream().mapToLong(SafeTensorsWriter.Spec::byteLength).sum());
        List<List<SafeTensorsWriter.Spec>> groups = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            groups.add(new ArrayList<>());
        }
        long before = 0;
        int group = 0;
        for (int i = 0; i < specs.size(); i++) {
            int byBytes = (int) Math.min(shards - 1, before * shards / total);
            int tensorsLeft = specs.size() - i;
            int groupsLeftAfter = shards - 1 - group;
            // move on when the bytes say so, or when the remaining tensors are just enough for the remaining groups
            if (!groups.get(group).isEmpty() && (byBytes > group || tensorsLeft == groupsLeftAfter)) {
                group++;
            }
            groups.get(group).add(specs.get(i));
            before += specs.get(i).byteLength();
        }
        return groups;
    }

    private void writeFile(Path file, List<SafeTensorsWriter.Spec> specs, Map<String, String> metadata) {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[CHUNK];
        try (SafeTensorsWriter w = SafeTensorsWriter.create(file, specs, metadata)) {
            for (SafeTensorsWriter.Spec spec : specs) {
                String canonical = TensorNames.canonical(spec.name());
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + canonical.hashCode());
                boolean isNormWeight = isNormWeight(canonical);
                double scale = (isNormWeight ? normNoise : std) * SQRT3;
                long count = TensorInfo.elementCount(spec.shape());
                for (long done = 0; done < count; done += CHUNK) {
                    int n = (int) Math.min(CHUNK, count - done);
                    for (int i = 0; i < n; i++) {
                        double u = (random.nextDouble() * 2 - 1) * scale;
                        values[i] = (float) (isNormWeight ? 1.0 + u : u);
                    }
                    buf.clear();
                    HalfFloats.encode(values, 0, n, dtype, buf);
                    buf.flip();
                    w.write(spec.name(), buf);
                }
            }
            w.finish();
        }
    }

    private static boolean isNormWeight(String canonical) {
        return canonical.endsWith(".weight")
                && (canonical.contains("layernorm") || canonical.contains("layer_norm")
                        || canonical.endsWith(".norm.weight") || canonical.contains("pre_layrnorm"));
    }

    /** The tokenizer.json this checkpoint copies in, if any. */
    public Optional<Path> tokenizerJson() {
        return Optional.ofNullable(tokenizerJson);
    }
}
