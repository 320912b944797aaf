package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frozen vision tower's features per image file, kept in Java memory (least recently used first out, bounded by
 * bytes): the tower never changes during training, so every epoch after the first skips it.
 */
final class VisionFeatureCache {
    private final TrainableModel model;
    private final ImagePreprocessor preprocessor;
    private final long maxBytes;
    private final LinkedHashMap<Path, float[]> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long[] featureShape;

    VisionFeatureCache(TrainableModel model, ImagePreprocessor preprocessor, long maxBytes) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.maxBytes = maxBytes;
    }

    /** Features {@code [1, P, D_vision]} of {@code image}, created in {@code manager}. */
    NDArray features(Path image, NDManager manager) {
        float[] cached = entries.get(image);
        if (cached != null) {
            // a copy torch owns: the array made from Java data only borrows its buffer, and autograd keeps the
            // projector's input for the backward pass
            try (NDArray borrowed = manager.create(cached, new Shape(featureShape))) {
                NDArray owned = borrowed.duplicate();
                owned.attach(manager);
                return owned;
            }
        }
        PixelValues pixels = preprocessor.preprocess(image);
        NDArray features;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray input = scratch.create(pixels.chw(), new Shape(1, pixels.channels(), pixels.height(),
                    pixels.width()));
            features = model.visionFeatures(input, manager); // [1, P, Dv]
        }
        float[] values = features.toFloatArray();
        featureShape = features.getShape().getShape();
        long size = (long) values.length * Float.BYTES;
        if (size <= maxBytes) {
            entries.put(image, values);
            bytes += size;
            evict();
        }
        return features;
    }

    private void evict() {
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Path, float[]> oldest = it.next();
            bytes -= (long) oldest.getValue().length * Float.BYTES;
            it.remove();
        }
    }
}
