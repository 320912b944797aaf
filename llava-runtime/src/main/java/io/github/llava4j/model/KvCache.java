package io.github.llava4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.LlavaException;

/**
 * The keys and values of one sequence, preallocated for {@code capacity} tokens: per layer K and V of shape
 * {@code [Hkv, capacity, hd]} in FLOAT32, in the cache's own manager.
 *
 * <p>New rows are written in place (no reallocation per step). {@link #truncate(int)} rolls the sequence back to a
 * shorter prefix so that a shared prompt prefix can be reused. Not thread-safe: one sequence is advanced by one
 * thread at a time. Close it to free its native memory.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int position;

    public KvCache(int layers, int kvHeads, int headDim, int capacity, Device device) {
        this(layers, kvHeads, headDim, capacity, NDManager.newBaseManager(device));
    }

    /**
     * A cache whose arrays live in a sub-manager of {@code parent}: closed with it at the latest. Training keeps the
     * cache of a forward pass until after its backward pass this way, since autograd reads the cached keys and values.
     */
    public KvCache(int layers, int kvHeads, int headDim, int capacity, NDManager parent) {
        this(parent.newSubManager(), layers, kvHeads, headDim, capacity);
    }

    private KvCache(NDManager manager, int layers, int kvHeads, int headDim, int capacity) {
        if (capacity <= 0) {
            manager.close();
            throw new IllegalArgumentException("KV cache capacity must be > 0, got " + capacity);
        }
        this.manager = manager;
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(kvHeads, capacity, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, DataType.FLOAT32);
            values[i] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    /** Tokens already in the cache; the next token gets this absolute position. */
    public int position() {
        return position;
    }

    public int capacity() {
        return capacity;
    }

    public int layers() {
        return keys.length;
    }

    /** Rolls back to the first {@code length} tokens (0 clears the cache). */
    public void truncate(int length) {
        if (length < 0 || length > position) {
            throw new IllegalArgumentException(
                    "cannot truncate a KV cache of " + position + " tokens to " + length);
        }
        position = length;
    }

    /** The manager holding the cache arrays (for leak checks). */
    public NDManager manager() {
        return manager;
    }

    void checkRoom(int newTokens) {
        if (position + newTokens > capacity) {
            throw new LlavaException("KV cache full: " + position + " tokens cached + " + newTokens
                    + " new exceed its capacity of " + capacity + " tokens");
        }
    }

    /** Writes {@code k, v [Hkv, T, hd]} of {@code layer} at positions {@code [position, position+T)}. */
    void write(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(1);
        NDIndex rows = new NDIndex(":, {}:{}", position, position + t);
        keys[layer].set(rows, k);
        values[layer].set(rows, v);
    }

    /** Keys {@code [Hkv, length, hd]} of the first {@code length} positions (a view; close it after use). */
    NDArray keys(int layer, int length) {
        return keys[layer].get(new NDIndex(":, :{}", length));
    }

    /** Values {@code [Hkv, length, hd]} of the first {@code length} positions (a view; close it after use). */
    NDArray values(int layer, int length) {
        return values[layer].get(new NDIndex(":, :{}", length));
    }

    void advance(int tokens) {
        position += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
