package io.github.llava4j.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private static final StepMetrics STEP = new StepMetrics(4, 10, 0.5, 1.2345, 2e-5, 0.7, 1234, 0.3, 1.5);

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void should_print_nothing_when_silent() {
        String out = stderrOf(() -> {
            try (TrainingProgress p = TrainingProgress.silent()) {
                p.update(STEP);
                assertThat(p.isSilent()).isTrue();
            }
        });
        assertThat(out).isEmpty();
    }

    @Test
    void should_show_steps_loss_lr_and_throughput_on_stderr() {
        String out = stderrOf(() -> {
            try (TrainingProgress p = TrainingProgress.console("finetune", 10, 2)) {
                p.update(STEP);
            }
        });
        assertThat(out).contains("finetune").contains("5/10").contains("loss 1.2345").contains("lr 2.00e-05")
                .contains("1234 tok/s");
    }
}
