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
 * The frozen vision tower's features per image file (least recently used first out, bounded by bytes): the tower
 * never changes during training, so every epoch after the first skips it.
 *
 * <p>Entries are arrays in torch's memory, copied in and out with torch's own copy. An earlier version kept Java
 * {@code float[]} copies made with {@code toFloatArray()}; the tower's output is a slice (CLS dropped), and the values
 * read back from it were now and then wrong, which showed as wrong or non-finite projector gradients with a right
 * loss (docs/finetuning.md, "A known problem").
 */
final class VisionFeatureCache implements AutoCloseable {
    private final TrainableModel model;
    private final ImagePreprocessor preprocessor;
    private final long maxBytes;
    private final NDManager store;
    private final LinkedHashMap<Path, NDArray> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    VisionFeatureCache(TrainableModel model, ImagePreprocessor preprocessor, long maxBytes) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.maxBytes = maxBytes;
        this.store = NDManager.newBaseManager(model.model().weightsManager().getDevice());
    }

    /** Features {@code [1, P, D_vision]} of {@code image}: a new array in {@code manager}. */
    NDArray features(Path image, NDManager manager) {
        NDArray cached = entries.get(image);
        if (cached != null) {
            NDArray copy = cached.duplicate();
            copy.attach(manager);
            return copy;
        }
        PixelValues pixels = preprocessor.preprocess(image);
        NDArray features;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray input = scratch.create(pixels.chw(), new Shape(1, pixels.channels(), pixels.height(),
                    pixels.width()));
            features = model.visionFeatures(input, manager); // [1, P, Dv]
        }
        long size = features.getShape().size() * Float.BYTES;
        if (size <= maxBytes) {
            NDArray kept = features.duplicate();
            kept.attach(store);
            entries.put(image, kept);
            bytes += size;
            evict();
        }
        return features;
    }

    private void evict() {
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Path, NDArray> oldest = it.next();
            bytes -= oldest.getValue().getShape().size() * Float.BYTES;
            oldest.getValue().close();
            it.remove();
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
