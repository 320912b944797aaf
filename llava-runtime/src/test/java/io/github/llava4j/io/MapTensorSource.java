package io.github.llava4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.CheckpointException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** An in-memory {@link TensorSource} over FLOAT32 Java arrays, for tests. */
public final class MapTensorSource implements TensorSource {
    /** One tensor: row-major values and shape. */
    public record Tensor(float[] values, long[] shape) {}

    private final Map<String, Tensor> tensors;

    public MapTensorSource(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public long[] shape(String canonicalName) {
        return get(canonicalName).shape().clone();
    }

    @Override
    public NDArray load(String canonicalName, NDManager manager, DataType dtype) {
        Tensor t = get(canonicalName);
        NDArray f32 = manager.create(t.values(), new Shape(t.shape()));
        if (dtype == DataType.FLOAT32) {
            return f32;
        }
        try (f32) {
            return f32.toType(dtype, true);
        }
    }

    @Override
    public String describe() {
        return "in-memory tensors (" + tensors.size() + ")";
    }

    private Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException("no tensor '" + name + "' in " + describe());
        }
        return t;
    }
}
