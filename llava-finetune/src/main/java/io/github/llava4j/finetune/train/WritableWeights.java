package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.io.TensorSource;
import java.util.Set;

/**
 * A {@link TensorSource} that hands out arrays owning their memory. The runtime maps F32 checkpoint files straight
 * into tensors (read-only pages shared with the file); an optimizer writes its updates into the weights, so training
 * needs copies.
 */
final class WritableWeights implements TensorSource {
    private final TensorSource source;

    WritableWeights(TensorSource source) {
        this.source = source;
    }

    @Override
    public Set<String> names() {
        return source.names();
    }

    @Override
    public long[] shape(String canonicalName) {
        return source.shape(canonicalName);
    }

    @Override
    public NDArray load(String canonicalName, NDManager manager, DataType dtype) {
        try (NDArray mapped = source.load(canonicalName, manager, dtype)) {
            NDArray owned = mapped.duplicate();
            owned.attach(manager);
            return owned;
        }
    }

    @Override
    public String describe() {
        return source.describe();
    }
}
