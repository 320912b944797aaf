package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.CheckpointException;
import io.github.llava4j.io.SafeTensorsWriter.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    /** Exact in F32, F16 and BF16 except 0.1f and 1/3, which exercise rounding. */
    private static final float[] VALUES = {0f, 1f, -2f, 0.5f, 3.25f, -1024f, 0.1f, 1f / 3};

    @TempDir
    Path dir;

    private static Map<String, TensorData> tensors(String prefix) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        m.put(prefix + "f32", new TensorData(DType.F32, new long[] {2, 4}, VALUES));
        m.put(prefix + "f16", new TensorData(DType.F16, new long[] {4, 2}, VALUES));
        m.put(prefix + "bf16", new TensorData(DType.BF16, new long[] {8}, VALUES));
        return m;
    }

    private static float stored(float v, DType dtype) {
        return switch (dtype) {
            case F32 -> v;
            case F16 -> HalfFloats.halfToFloat(HalfFloats.floatToHalf(v));
            default -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v));
        };
    }

    private static void writeIndex(Path dir, Map<String, String> weightMap) throws IOException {
        StringBuilder sb = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
        weightMap.forEach((k, v) -> sb.append('"').append(k).append("\":\"").append(v).append("\","));
        sb.setLength(sb.length() - 1);
        Files.writeString(dir.resolve(Checkpoint.INDEX_JSON), sb.append("}}").toString());
    }

    private void assertLoads(Checkpoint ckpt, String prefix) {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (DType disk : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                String name = prefix + disk.name().toLowerCase();
                assertThat(ckpt.dtypeOf(name)).isEqualTo(disk);
                NDArray f32 = ckpt.load(name, manager, DataType.FLOAT32);
                assertThat(f32.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(f32.getShape()).isEqualTo(new Shape(ckpt.shape(name)));
                NDArray f16 = ckpt.load(name, manager, DataType.FLOAT16);
                assertThat(f16.getDataType()).isEqualTo(DataType.FLOAT16);
                float[] got32 = f32.toFloatArray();
                ByteBuffer got16 = f16.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < VALUES.length; i++) {
                    float onDisk = stored(VALUES[i], disk);
                    assertThat(got32[i]).as("%s[%d] as f32", name, i).isEqualTo(onDisk);
                    assertThat(got16.getShort() & 0xFFFF).as("%s[%d] as f16", name, i)
                            .isEqualTo(HalfFloats.floatToHalf(onDisk) & 0xFFFF);
                }
            }
        }
    }

    @Test
    void should_load_a_single_file_into_float32_and_float16_exactly() {
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors("language_model.model.x."));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("language_model.model.x.f32", "language_model.model.x.f16",
                    "language_model.model.x.bf16");
            assertThat(ckpt.bytesOnDisk()).isEqualTo(8 * 4 + 8 * 2 + 8 * 2);
            assertThat(ckpt.unknownNames()).isEmpty();
            assertThat(ckpt.describe()).isEqualTo(dir.toString());
            assertLoads(ckpt, "language_model.model.x.");
        }
    }

    @Test
    void should_load_a_sharded_folder_with_new_names_under_canonical_names() throws IOException {
        Map<String, TensorData> all = tensors("model.language_model.x.");
        all.put("lm_head.weight", new TensorData(DType.F16, new long[] {1, 2}, new float[] {1, 2}));
        all.put("model.vision_tower.vision_model.embeddings.position_ids",
                new TensorData(DType.F32, new long[] {1, 2}, new float[] {0, 1}));
        Map<String, TensorData> one = new LinkedHashMap<>();
        Map<String, TensorData> two = new LinkedHashMap<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, TensorData> e : all.entrySet()) {
            String file = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (file.startsWith("model-00001") ? one : two).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), file);
        }
        SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), one);
        SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), two);
        writeIndex(dir, weightMap);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactlyInAnyOrder("language_model.model.x.f32",
                    "language_model.model.x.f16", "language_model.model.x.bf16", "language_model.lm_head.weight",
                    "vision_tower.vision_model.embeddings.position_ids");
            assertThat(ckpt.info("language_model.lm_head.weight").name()).isEqualTo("lm_head.weight");
            assertLoads(ckpt, "language_model.model.x.");
        }
    }

    @Test
    void should_accept_exactly_one_other_safetensors_file() {
        SafeTensorsWriter.write(dir.resolve("weights.safetensors"), tensors("multi_modal_projector."));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThat(ckpt.names()).hasSize(3);
        }
        SafeTensorsWriter.write(dir.resolve("other.safetensors"), tensors("multi_modal_projector."));
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(dir + ": 2 *.safetensors files but no model.safetensors.index.json saying how they"
                        + " belong together: [other.safetensors, weights.safetensors]");
    }

    @Test
    void should_report_a_missing_folder_and_a_folder_without_weights() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> Checkpoint.open(missing)).hasMessage(missing + ": checkpoint folder not found");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessage(dir + ": no weights file (expected model.safetensors.index.json, model.safetensors or"
                        + " one *.safetensors file)");
    }

    @Test
    void should_report_a_missing_shard() throws IOException {
        SafeTensorsWriter.write(dir.resolve("a.safetensors"), Map.of("w", new TensorData(DType.F32, new long[] {1},
                new float[] {1})));
        writeIndex(dir, Map.of("w", "a.safetensors", "v", "b.safetensors"));
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessageContaining("model.safetensors.index.json: shard 'b.safetensors' is missing (listed for 1"
                        + " tensors, e.g. 'v')");
    }

    @Test
    void should_report_index_names_that_differ_from_the_shard() throws IOException {
        SafeTensorsWriter.write(dir.resolve("a.safetensors"), tensors("language_model.model."));
        writeIndex(dir, Map.of("language_model.model.f32", "a.safetensors", "language_model.model.f16",
                "a.safetensors", "language_model.model.zzz", "a.safetensors"));
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessageContaining("shard 'a.safetensors' does not hold the tensors the index lists for it;"
                        + " listed but absent: [language_model.model.zzz], present but not listed:"
                        + " [language_model.model.bf16]");
    }

    @Test
    void should_report_a_tensor_listed_twice_under_both_schemes() {
        Map<String, TensorData> m = new LinkedHashMap<>();
        m.put("lm_head.weight", new TensorData(DType.F32, new long[] {1}, new float[] {1}));
        m.put("language_model.lm_head.weight", new TensorData(DType.F32, new long[] {1}, new float[] {1}));
        Path file = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(file, m);
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessage("tensor 'language_model.lm_head.weight' is listed twice: as 'lm_head.weight' in " + file
                        + " and as 'language_model.lm_head.weight' in " + file);
    }

    @Test
    void should_refuse_to_load_integer_tensors_and_absent_names() throws IOException {
        String header = "{\"a.position_ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        SafeTensorsTest.raw(dir.resolve("model.safetensors"), 96, String.format("%-96s", header), 16);
        try (Checkpoint ckpt = Checkpoint.open(dir); NDManager manager = NDManager.newBaseManager()) {
            assertThat(ckpt.unknownNames()).isEmpty();
            assertThatThrownBy(() -> ckpt.load("a.position_ids", manager, DataType.FLOAT32))
                    .hasMessage("tensor 'a.position_ids' in " + dir.resolve("model.safetensors")
                            + " has dtype I64; only F32, F16 and BF16 tensors can be loaded");
            assertThatThrownBy(() -> ckpt.load("b", manager, DataType.FLOAT32))
                    .hasMessage("no tensor 'b' in " + dir);
        }
    }

    @Test
    void should_report_names_outside_both_schemes() {
        Map<String, TensorData> m = new LinkedHashMap<>();
        m.put("model.mm_projector.0.weight", new TensorData(DType.F32, new long[] {1}, new float[] {1}));
        m.put("model.language_model.norm.weight", new TensorData(DType.F32, new long[] {1}, new float[] {1}));
        m.put("model.vision_tower.vision_model.embeddings.position_ids",
                new TensorData(DType.F32, new long[] {1}, new float[] {0}));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), m);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThat(ckpt.unknownNames()).containsExactly("model.mm_projector.0.weight");
            assertThat(ckpt.names()).contains("language_model.model.norm.weight");
        }
    }

    @Test
    void should_see_that_djl_wraps_a_direct_buffer_without_copying() {
        // documents the DJL behaviour Checkpoint relies on for zero-copy loading of mapped tensors
        ByteBuffer direct = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        direct.putFloat(0, 1f).putFloat(4, 2f);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(direct, new Shape(2), DataType.FLOAT32);
            direct.putFloat(0, 42f);
            assertThat(a.toFloatArray()).containsExactly(42f, 2f);
        }
    }

    @Test
    void should_keep_zero_copy_tensors_valid_after_the_checkpoint_is_closed() {
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), tensors("language_model.model."));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a;
            try (Checkpoint ckpt = Checkpoint.open(dir)) {
                a = ckpt.load("language_model.model.f32", manager, DataType.FLOAT32);
            }
            System.gc();
            assertThat(a.toFloatArray()).containsExactly(VALUES);
            assertThat(a.add(1f).toFloatArray()[1]).isEqualTo(2f);
        }
    }
}
