package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.CheckpointException;
import io.github.llava4j.io.SafeTensorsWriter.Spec;
import io.github.llava4j.io.SafeTensorsWriter.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file with the given header length field, header text and data section size (zero bytes). */
    static Path raw(Path file, long headerLength, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h);
        Files.write(file, b.array());
        return file;
    }

    private Path raw(String header, int dataBytes) throws IOException {
        return raw(dir.resolve("t.safetensors"), header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void should_reject_a_file_shorter_than_the_length_field() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafeTensors.open(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(f + ": truncated: file is 3 bytes, shorter than the 8-byte header length");
    }

    @Test
    void should_reject_an_absurd_header_length() throws IOException {
        Path f = raw(dir.resolve("big.safetensors"), 1L << 40, "{}", 0);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("header length 1099511627776 is out of range (expected 2..104857600 bytes)");
    }

    @Test
    void should_reject_a_header_longer_than_the_file() throws IOException {
        Path f = raw(dir.resolve("long.safetensors"), 500, "{}", 0);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": truncated: header length 500 exceeds the 2 bytes after the length field"
                        + " (file size 10)");
    }

    @Test
    void should_reject_invalid_json() throws IOException {
        Path f = raw("{\"a\": [1, 2", 0);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(f + ": header is not valid JSON (");
    }

    @Test
    void should_reject_a_header_that_is_not_an_object() throws IOException {
        Path f = raw("[1, 2, 3]", 0);
        assertThatThrownBy(() -> SafeTensors.open(f)).hasMessage(f + ": header must be a JSON object");
    }

    @Test
    void should_reject_an_unknown_dtype() throws IOException {
        Path f = raw("{" + entry("w", "F31", "[2]", 0, 8) + "}", 8);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessageContaining(f + ": tensor 'w': unknown dtype 'F31', expected one of [F32, F16, BF16");
    }

    @Test
    void should_reject_offsets_outside_the_file() throws IOException {
        Path f = raw("{" + entry("w", "F32", "[4]", 8, 24) + "}", 16);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessageContaining(f + ": tensor 'w': data_offsets [8, 24] end past the data section of 16 bytes");
    }

    @Test
    void should_reject_begin_after_end() throws IOException {
        Path f = raw("{" + entry("w", "F32", "[0]", 8, 4) + "}", 16);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": tensor 'w': data_offsets [8, 4] must satisfy 0 <= begin <= end");
    }

    @Test
    void should_reject_overlapping_tensors() throws IOException {
        Path f = raw("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": tensor 'b' bytes [4, 12) overlap tensor 'a' bytes [0, 8)");
    }

    @Test
    void should_reject_a_shape_that_does_not_match_the_byte_length() throws IOException {
        Path f = raw("{" + entry("w", "F16", "[2, 3]", 0, 8) + "}", 8);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": tensor 'w': shape [2, 3] x F16 (2 bytes) needs 12 bytes, but data_offsets [0, 8]"
                        + " span 8");
    }

    @Test
    void should_reject_duplicate_names() throws IOException {
        Path f = raw("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", 8);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": tensor 'w' appears twice in the header");
    }

    @Test
    void should_reject_metadata_that_is_not_a_string_map() throws IOException {
        Path f = raw("{\"__metadata__\":{\"format\":1}}", 0);
        assertThatThrownBy(() -> SafeTensors.open(f))
                .hasMessage(f + ": __metadata__.format must be a string, got 1");
    }

    @Test
    void should_say_truncated_when_the_data_is_cut_short() throws IOException {
        Path f = dir.resolve("cut.safetensors");
        SafeTensorsWriter.write(f, Map.of("w", new TensorData(DType.F32, new long[] {4, 4}, new float[16])));
        long size = Files.size(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size - 10);
        }
        assertThatThrownBy(() -> SafeTensors.open(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f + ": tensor 'w'")
                .hasMessageContaining("file truncated or header corrupt (file size " + (size - 10)
                        + ", needs at least " + size + ")");
    }

    @Test
    void should_round_trip_every_weight_dtype_with_metadata_and_alignment() throws IOException {
        float[] values = {0f, 1f, -2f, 0.5f, 3.25f, -1024f};
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("f32", new TensorData(DType.F32, new long[] {2, 3}, values));
        tensors.put("f16", new TensorData(DType.F16, new long[] {3, 2}, values));
        tensors.put("bf16", new TensorData(DType.BF16, new long[] {6}, values));
        tensors.put("scalar", new TensorData(DType.F32, new long[] {}, new float[] {7f}));
        tensors.put("empty", new TensorData(DType.F16, new long[] {0, 5}, new float[0]));
        Path f = dir.resolve("rt.safetensors");
        SafeTensorsWriter.write(f, tensors, Map.of("format", "pt"));
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(st.tensors().keySet()).containsExactly("f32", "f16", "bf16", "scalar", "empty");
            assertThat(st.dataStart() % 8).isZero();
            assertThat(st.tensors().get("f16").shape()).containsExactly(3, 2);
            assertThat(st.tensors().get("scalar").shape()).isEmpty();
            for (String name : List.of("f32", "f16", "bf16")) {
                ByteBuffer b = st.map(name);
                assertThat(b.isReadOnly()).isTrue();
                assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
                assertThat(b.position()).isZero();
                assertThat(b.remaining()).isEqualTo(values.length * st.tensors().get(name).dtype().byteSize());
                for (float v : values) {
                    float got = name.equals("f32") ? b.getFloat()
                            : name.equals("f16") ? HalfFloats.halfToFloat(b.getShort())
                                    : HalfFloats.bf16ToFloat(b.getShort());
                    assertThat(got).isEqualTo(v);
                }
            }
            assertThat(st.map("scalar").getFloat(0)).isEqualTo(7f);
            assertThat(st.map("empty").remaining()).isZero();
        }
        // header padded with spaces to 8 bytes, as the reference writer does
        byte[] bytes = Files.readAllBytes(f);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"}");
        assertThat(header.stripTrailing()).endsWith("}");
    }

    @Test
    void should_accept_but_not_load_an_unsupported_dtype_and_report_missing_tensors() throws IOException {
        Path f = raw("{" + entry("position_ids", "I64", "[1, 3]", 0, 24) + "}", 24);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.tensors().get("position_ids").dtype()).isEqualTo(DType.I64);
            assertThat(st.map("position_ids").remaining()).isEqualTo(24);
            assertThatThrownBy(() -> st.map("nope")).hasMessage(f + ": no tensor 'nope'");
        }
    }

    @Test
    void should_refuse_to_map_a_tensor_over_2_gib() throws IOException {
        long big = 3L << 30;
        Path f = raw("{" + entry("huge", "U8", "[" + big + "]", 0, big) + "}", 0);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f)); // no-op; a sparse extension follows
            ch.write(ByteBuffer.wrap(new byte[] {0}), Files.size(f) + big - 1);
        }
        try (SafeTensors st = SafeTensors.open(f)) {
            assertThat(st.info("huge").byteLength()).isEqualTo(big);
            assertThatThrownBy(() -> st.map("huge"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage(f + ": tensor 'huge' is 3221225472 bytes, more than the 2 GiB (2147483647 bytes) one"
                            + " Java 17 mapping can hold");
        }
    }

    @Test
    void should_stream_tensors_in_chunks_and_move_the_file_into_place_only_when_finished() throws IOException {
        Path target = dir.resolve("stream.safetensors");
        List<Spec> specs = List.of(new Spec("a", DType.F32, new long[] {4}), new Spec("b", DType.F16, new long[] {2}));
        SafeTensorsWriter w = SafeTensorsWriter.create(target, specs, Map.of());
        w.write("a", new float[] {1, 2});
        assertThatThrownBy(() -> w.write("b", new float[] {1, 2}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected bytes of tensor 'a' (declaration order), got 'b'");
        w.write("a", new float[] {3, 4});
        assertThat(target).doesNotExist();
        assertThatThrownBy(w::finish).hasMessageContaining("tensor 'b' has 0 of 4 bytes written");
        w.write("b", new float[] {5, 6});
        w.finish();
        assertThat(target).exists();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (SafeTensors st = SafeTensors.open(target)) {
            assertThat(st.map("a").getFloat(12)).isEqualTo(4f);
            assertThat(HalfFloats.halfToFloat(st.map("b").getShort(2))).isEqualTo(6f);
        }
    }

    @Test
    void should_discard_an_incomplete_file_on_close() throws IOException {
        Path target = dir.resolve("torn.safetensors");
        try (SafeTensorsWriter w = SafeTensorsWriter.create(
                target, List.of(new Spec("a", DType.F32, new long[] {4})), Map.of())) {
            w.write("a", new float[] {1});
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
