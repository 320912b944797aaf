package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.ProjectorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomCheckpointTest {
    @TempDir
    Path dir;

    private static void assertFolder(Path folder, LlavaConfig config, DType dtype) {
        assertThat(ConfigReader.readLlavaConfig(folder)).isEqualTo(config);
        Map<String, long[]> expected = RandomCheckpoint.tensorShapes(config);
        try (Checkpoint ckpt = Checkpoint.open(folder)) {
            assertThat(ckpt.names()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((name, shape) -> {
                assertThat(ckpt.shape(name)).as(name).isEqualTo(shape);
                assertThat(ckpt.dtypeOf(name)).as(name).isEqualTo(dtype);
            });
            assertThat(ckpt.unknownNames()).isEmpty();
            try (NDManager manager = NDManager.newBaseManager()) {
                float[] norm = ckpt.load("language_model.model.norm.weight", manager, DataType.FLOAT32).toFloatArray();
                for (float v : norm) {
                    assertThat(v).isBetween(0.8f, 1.2f);
                }
                assertThat(java.util.stream.IntStream.range(0, norm.length).mapToObj(i -> norm[i]).distinct().count())
                        .isGreaterThan(norm.length / 4);
                float[] w = ckpt.load("language_model.model.layers.0.mlp.up_proj.weight", manager, DataType.FLOAT32)
                        .toFloatArray();
                double sum = 0;
                double sq = 0;
                for (float v : w) {
                    sum += v;
                    sq += v * v;
                }
                double std = Math.sqrt(sq / w.length - (sum / w.length) * (sum / w.length));
                assertThat(std).isBetween(0.018, 0.022);
            }
        }
    }

    @Test
    void should_write_a_tiny_single_file_checkpoint_that_reads_back() throws IOException {
        Path tokenizer = dir.resolve("tok.json");
        Files.writeString(tokenizer, "{\"model\":{}}");
        Path folder = dir.resolve("tiny");
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(3).tokenizerJson(tokenizer).write(folder);
        assertFolder(folder, ModelPresets.tiny(), DType.F32);
        assertThat(folder.resolve("tokenizer.json")).hasContent("{\"model\":{}}");
        assertThat(ConfigReader.readGenerationDefaults(folder, ModelPresets.tiny()).eosTokenIds()).containsExactly(2);
        assertThat(ConfigReader.readPreprocessorConfig(folder, 28).cropHeight()).isEqualTo(28);
        assertThat(RandomCheckpoint.tensorShapes(ModelPresets.tiny()))
                .containsKey("vision_tower.vision_model.embeddings.patch_embedding.weight")
                .doesNotContainKey("vision_tower.vision_model.embeddings.patch_embedding.bias");
    }

    @Test
    void should_write_sharded_new_scheme_bf16_checkpoints() throws IOException {
        Path folder = dir.resolve("sharded");
        RandomCheckpoint.builder(ModelPresets.tiny()).dtype(DType.BF16).scheme(TensorNames.Scheme.NEW).shards(3)
                .write(folder);
        assertFolder(folder, ModelPresets.tiny(), DType.BF16);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("model.safetensors.index.json", "model-00001-of-00003.safetensors",
                            "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors")
                    .doesNotContain("model.safetensors");
        }
        try (Checkpoint ckpt = Checkpoint.open(folder)) {
            assertThat(ckpt.info("language_model.lm_head.weight").name()).isEqualTo("lm_head.weight");
        }
    }

    @Test
    void should_load_into_the_model_through_llava_loader_zero_copy_and_converted() {
        Path f32 = dir.resolve("f32");
        Path bf16 = dir.resolve("bf16");
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(1).write(f32);
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(1).dtype(DType.BF16).scheme(TensorNames.Scheme.NEW).shards(2)
                .write(bf16);
        for (Path folder : new Path[] {f32, bf16}) {
            for (DataType dtype : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
                LlavaConfig config = ConfigReader.readLlavaConfig(folder);
                try (Checkpoint ckpt = Checkpoint.open(folder);
                        io.github.llava4j.model.LlavaModel model =
                                LlavaLoader.load(ckpt, config, dtype, ai.djl.Device.cpu());
                        NDManager manager = NDManager.newBaseManager()) {
                    float[] features = model.encodeImages(
                                    manager.ones(new ai.djl.ndarray.types.Shape(1, 3, 28, 28)).mul(0.5f), manager)
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    assertThat(features).as("%s as %s", folder, dtype).hasSize(4 * 64);
                    for (float v : features) {
                        assertThat(Float.isFinite(v)).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void should_be_deterministic_per_seed() throws IOException {
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(5).dtype(DType.F16).write(dir.resolve("a"));
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(5).dtype(DType.F16).write(dir.resolve("b"));
        RandomCheckpoint.builder(ModelPresets.tiny()).seed(6).dtype(DType.F16).write(dir.resolve("c"));
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors"))).isEqualTo(a);
        assertThat(Files.readAllBytes(dir.resolve("c/model.safetensors"))).isNotEqualTo(a);
    }

    @Test
    void should_follow_the_config_for_linear_projectors_and_tied_embeddings() {
        LlavaConfig base = ModelPresets.tiny();
        LlavaConfig config = new LlavaConfig(base.vision(), new io.github.llava4j.config.LlamaTextConfig(64, 128, 2, 4,
                2, 300, 128, 1e-5, 10000.0, 1, 2, true), ProjectorType.LINEAR, 299, 0, -2, base.featureSelect(), true);
        Map<String, long[]> shapes = RandomCheckpoint.tensorShapes(config);
        assertThat(shapes).doesNotContainKeys("language_model.lm_head.weight", "multi_modal_projector.linear_2.weight");
        assertThat(shapes.get("multi_modal_projector.linear_1.weight")).containsExactly(64, 32);
        assertThat(shapes.get("language_model.model.layers.1.self_attn.k_proj.weight")).containsExactly(32, 64);
    }

    @Test
    void should_give_real_model_presets_their_published_sizes() {
        MemoryEstimate llava = MemoryEstimate.of(RandomCheckpoint.tensorShapes(ModelPresets.llava15_7b()).values(), 0);
        // llava-1.5-7b-hf: 7.06 B parameters
        assertThat(llava.elements()).isBetween(7_000_000_000L, 7_100_000_000L);
        Map<String, long[]> tiny = RandomCheckpoint.tensorShapes(ModelPresets.tinyLlava1_1b());
        assertThat(tiny.get("language_model.model.layers.21.self_attn.k_proj.weight")).containsExactly(256, 2048);
        assertThat(tiny.get("vision_tower.vision_model.embeddings.position_embedding.weight"))
                .containsExactly(577, 1024);
    }
}
