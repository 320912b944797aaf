package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.cache.ImageEmbeddingCache;
import io.github.llava4j.cache.ImageKey;
import io.github.llava4j.image.ImageLoader;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The frozen vision tower's features per image file, kept by the runtime's {@link ImageEmbeddingCache} (bounded by
 * bytes, copies handed out): the tower never changes during training, so every epoch after the first skips it.
 *
 * <p>Entries stay in torch's memory and are copied with torch's own copy. An earlier version kept Java
 * {@code float[]} copies made with {@code toFloatArray()} of the tower's output, a slice (CLS dropped), and the
 * values read back were now and then wrong (docs/finetuning.md, "A known problem").
 */
final class VisionFeatureCache implements AutoCloseable {
    private static final String MODEL_ID = "vision-tower";

    private final TrainableModel model;
    private final ImagePreprocessor preprocessor;
    private final ImageEmbeddingCache cache;
    private final Map<Path, ImageKey> keys = new HashMap<>(); // each file is read and hashed once

    VisionFeatureCache(TrainableModel model, ImagePreprocessor preprocessor, long maxBytes) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.cache = new ImageEmbeddingCache(maxBytes, model.model().weightsManager().getDevice());
    }

    /** Features {@code [1, P, D_vision]} of {@code image}: a new array in {@code manager}. */
    NDArray features(Path image, NDManager manager) {
        ImageKey key = keys.computeIfAbsent(image, this::key);
        return cache.get(key, target -> compute(image, target), manager).features();
    }

    private ImageKey key(Path image) {
        try {
            return new ImageKey(ImageLoader.sha256(Files.readAllBytes(image)), preprocessor.preprocessingKey(),
                    MODEL_ID);
        } catch (IOException e) {
            throw new UncheckedIOException(image + ": cannot read", e);
        }
    }

    private NDArray compute(Path image, NDManager target) {
        PixelValues pixels = preprocessor.preprocess(image);
        try (NDManager scratch = target.newSubManager()) {
            NDArray input = scratch.create(pixels.chw(), new Shape(1, pixels.channels(), pixels.height(),
                    pixels.width()));
            return model.visionFeatures(input, target); // [1, P, Dv]
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
