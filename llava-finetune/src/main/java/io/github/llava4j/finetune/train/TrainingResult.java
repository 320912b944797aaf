package io.github.llava4j.finetune.train;

import io.github.llava4j.finetune.data.DataReport;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a finished run produced.
 *
 * @param model the exported llava-hf folder
 * @param projector stage 1's projector weights alone; empty for stage 2
 * @param steps optimizer steps of the whole run (including those before a resume)
 * @param finalLoss mean loss of the last step
 * @param metrics the JSON-lines metrics log
 * @param lossCurve the loss-curve PNG
 * @param data what the data reader met (skipped samples per reason)
 */
public record TrainingResult(
        Path model,
        Optional<Path> projector,
        long steps,
        double finalLoss,
        Path metrics,
        Path lossCurve,
        DataReport data) {}
