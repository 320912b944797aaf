package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.finetune.train.StepMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * What a pretraining run produced.
 *
 * @param folder the written llava-hf checkpoint folder
 * @param metrics one entry per optimizer step
 */
public record PretrainResult(Path folder, List<StepMetrics> metrics) {
    public PretrainResult {
        metrics = List.copyOf(metrics);
    }

    /** Loss of the first step. */
    public double firstLoss() {
        return metrics.get(0).loss();
    }

    /** Mean loss of the last {@code min(10, steps)} steps: less noisy than the last step alone. */
    public double finalLoss() {
        int n = Math.min(10, metrics.size());
        return metrics.subList(metrics.size() - n, metrics.size()).stream().mapToDouble(StepMetrics::loss).average()
                .orElseThrow();
    }

    /** Mean wall seconds per step. */
    public double secondsPerStep() {
        return metrics.stream().mapToDouble(StepMetrics::stepSeconds).average().orElseThrow();
    }
}
