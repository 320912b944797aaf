package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path dir;

    private static StepMetrics metrics(long step) {
        return new StepMetrics(step, 5, (step + 1) / 5.0, 2.0 - step * 0.1, 1e-3, 0.5, 1000, 0.2, (step + 1) * 0.2);
    }

    @Test
    void should_write_one_json_object_per_step_with_the_agreed_keys() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            log.append(metrics(0));
            // flushed per line: readable while still open
            assertThat(Files.readAllLines(file)).hasSize(1);
        }
        JsonNode o = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertThat(o.fieldNames()).toIterable().contains("step", "loss", "lr", "grad_norm", "tokens_per_s", "step_s",
                "elapsed_s", "epoch");
        assertThat(o.get("loss").asDouble()).isEqualTo(2.0);
        assertThat(MetricsLog.read(file)).containsExactly(metrics(0));
    }

    @Test
    void should_keep_only_steps_before_the_resume_step() {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            for (int s = 0; s < 5; s++) {
                log.append(metrics(s));
            }
        }
        // the checkpoint was taken after 3 steps: steps 3 and 4 are redone
        try (MetricsLog log = MetricsLog.open(file, 3)) {
            assertThat(MetricsLog.read(file)).extracting(StepMetrics::step).containsExactly(0L, 1L, 2L);
            log.append(metrics(3));
            log.append(metrics(4));
        }
        assertThat(MetricsLog.read(file)).extracting(StepMetrics::step).containsExactly(0L, 1L, 2L, 3L, 4L);
        try (MetricsLog ignored = MetricsLog.open(file, 0)) {
            assertThat(MetricsLog.read(file)).isEmpty();
        }
    }

    @Test
    void should_round_trip_non_finite_values() {
        Path file = dir.resolve("metrics.jsonl");
        StepMetrics bad = new StepMetrics(0, 1, 1.0, Double.NaN, 1e-4, Double.POSITIVE_INFINITY, 0, 1, 1);
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            log.append(bad);
        }
        StepMetrics read = MetricsLog.read(file).get(0);
        assertThat(read.loss()).isNaN();
        assertThat(read.gradNorm()).isInfinite().isPositive();
        assertThat(read.learningRate()).isEqualTo(1e-4);
    }

    @Test
    void should_skip_a_torn_last_line_and_reject_a_bad_line_elsewhere() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            log.append(metrics(0));
        }
        Files.writeString(file, "{\"step\":1,\"lo", StandardOpenOption.APPEND);
        assertThat(MetricsLog.read(file)).extracting(StepMetrics::step).containsExactly(0L);
        try (MetricsLog log = MetricsLog.open(file, 10)) {
            log.append(metrics(1));
        }
        assertThat(MetricsLog.read(file)).extracting(StepMetrics::step).containsExactly(0L, 1L);

        Files.write(file, List.of("not json", "{\"step\":0}"));
        assertThatThrownBy(() -> MetricsLog.read(file))
                .hasMessageContaining(file.toString()).hasMessageContaining("line 1");
    }
}
