package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.finetune.train.MetricsLog;
import io.github.llava4j.finetune.train.StepMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run's step metrics in {@link MetricsLog}'s format once the checkpoint is exported: the export replaces the
 * output folder, which may be where the log goes.
 */
final class PretrainMetrics {
    private PretrainMetrics() {}

    static void write(Path file, List<StepMetrics> history) {
        try (MetricsLog log = MetricsLog.open(file, 0)) {
            history.forEach(log::append);
        }
    }
}
