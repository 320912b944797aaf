package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEstimateTest {
    private static final long GIB = 1L << 30;

    @Test
    void should_count_bytes_per_dtype_plus_extra() {
        MemoryEstimate e = MemoryEstimate.of(List.of(new long[] {1024, 1024}, new long[] {1024}), 100);
        assertThat(e.elements()).isEqualTo(1024 * 1024 + 1024);
        assertThat(e.bytes(DataType.FLOAT32)).isEqualTo(4L * (1024 * 1024 + 1024) + 100);
        assertThat(e.bytes(DataType.FLOAT16)).isEqualTo(2L * (1024 * 1024 + 1024) + 100);
    }

    @Test
    void should_refuse_f32_with_a_hint_to_use_f16_when_that_fits() {
        // 7B-like: 7 Gi elements = 28 GiB in f32, 14 GiB in f16, plus 1 GiB of KV cache
        MemoryEstimate e = new MemoryEstimate(7 * GIB, GIB);
        assertThatThrownBy(() -> e.requireFits(DataType.FLOAT32, 24 * GIB))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("the model needs ~29.0 GiB as f32 but only 24.0 GiB is available;"
                        + " use --dtype f16 (~15.0 GiB)");
        e.requireFits(DataType.FLOAT16, 24 * GIB);
    }

    @Test
    void should_say_when_even_f16_does_not_fit() {
        MemoryEstimate e = new MemoryEstimate(7 * GIB, 0);
        assertThatThrownBy(() -> e.requireFits(DataType.FLOAT32, 8 * GIB))
                .hasMessage("the model needs ~28.0 GiB as f32 but only 8.0 GiB is available; even f16 needs ~14.0 GiB");
        assertThatThrownBy(() -> e.requireFits(DataType.FLOAT16, 8 * GIB))
                .hasMessage("the model needs ~14.0 GiB as f16 but only 8.0 GiB is available");
    }

    @Test
    void should_read_mem_available_from_meminfo(@TempDir Path dir) throws IOException {
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       32000000 kB\nMemFree:  1000 kB\nMemAvailable:   2048 kB\n");
        assertThat(MemoryEstimate.memAvailable(meminfo)).hasValue(2048 * 1024);
        assertThat(MemoryEstimate.memAvailable(dir.resolve("absent"))).isEmpty();
        assertThat(MemoryEstimate.availableBytes()).isPositive();
    }
}
