package io.github.llava4j.finetune.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One tokenized, masked sample ready for the model.
 *
 * @param inputIds compact ids (the image as one image token)
 * @param labels aligned with {@code inputIds}, -100 where masked
 * @param image the image file, resolved against the image root; empty for a text-only sample
 */
public record TrainingSample(String id, int[] inputIds, int[] labels, Optional<Path> image) {}
