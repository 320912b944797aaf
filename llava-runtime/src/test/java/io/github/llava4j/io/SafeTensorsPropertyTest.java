package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.io.SafeTensorsWriter.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SafeTensorsPropertyTest {
    record Named(String name, TensorData data) {}

    @Provide
    Arbitrary<List<Named>> tensorSets() {
        Arbitrary<DType> dtypes = Arbitraries.of(DType.F32, DType.F16, DType.BF16);
        Arbitrary<long[]> shapes = Arbitraries.integers().between(0, 5).list().ofMaxSize(3)
                .map(l -> l.stream().mapToLong(Integer::longValue).toArray());
        Arbitrary<Named> tensor = Combinators.combine(
                        Arbitraries.strings().withChars("abc._0123").ofMinLength(1).ofMaxLength(12), dtypes, shapes)
                .flatAs((name, dtype, shape) -> {
                    int n = (int) TensorInfo.elementCount(shape);
                    // values that every dtype represents exactly, so the round trip is exact
                    return Arbitraries.integers().between(-256, 256).array(int[].class).ofSize(n)
                            .map(ints -> {
                                float[] v = new float[n];
                                for (int i = 0; i < n; i++) {
                                    v[i] = ints[i] / 4f;
                                }
                                return new Named(name, new TensorData(dtype, shape, v));
                            });
                });
        return tensor.list().ofMaxSize(6).uniqueElements(Named::name);
    }

    @Property(tries = 60)
    void should_read_back_what_was_written(@ForAll("tensorSets") List<Named> tensors,
            @ForAll("metadataMaps") Map<String, String> metadata) throws IOException {
        Path dir = Files.createTempDirectory("st-prop");
        try {
            Map<String, TensorData> map = new LinkedHashMap<>();
            tensors.forEach(t -> map.put(t.name(), t.data()));
            Path f = dir.resolve("p.safetensors");
            SafeTensorsWriter.write(f, map, metadata);
            try (SafeTensors st = SafeTensors.open(f)) {
                assertThat(st.metadata()).isEqualTo(metadata);
                assertThat(new ArrayList<>(st.tensors().keySet())).isEqualTo(new ArrayList<>(map.keySet()));
                assertThat(st.dataStart() % 8).isZero();
                for (Map.Entry<String, TensorData> e : map.entrySet()) {
                    TensorInfo info = st.tensors().get(e.getKey());
                    assertThat(info.dtype()).isEqualTo(e.getValue().dtype());
                    assertThat(info.shape()).isEqualTo(e.getValue().shape());
                    ByteBuffer b = st.map(e.getKey());
                    for (float v : e.getValue().values()) {
                        float got = switch (info.dtype()) {
                            case F32 -> b.getFloat();
                            case F16 -> HalfFloats.halfToFloat(b.getShort());
                            default -> HalfFloats.bf16ToFloat(b.getShort());
                        };
                        assertThat(got).isEqualTo(v);
                    }
                    assertThat(b.hasRemaining()).isFalse();
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    @Provide
    Arbitrary<Map<String, String>> metadataMaps() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().ofMaxLength(10)).ofMaxSize(3);
    }
}
