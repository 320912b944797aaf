package io.github.llava4j.cache;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.function.Function;

/**
 * Image embeddings (vision tower + projector output) by {@link ImageKey}, bounded by bytes, so that a second
 * question about the same image skips the vision tower.
 *
 * <p>Ownership: cached arrays live in the cache's own manager and are closed when evicted or invalidated. Callers
 * never hold a cached array: {@link #get} hands out a copy in the caller's manager, so an eviction can never free
 * an array a generation is still reading. The copy ({@code [576, D]} floats, a few MB) costs about a millisecond,
 * against the hundreds of milliseconds to seconds of the vision tower it saves.
 *
 * <p>Thread-safe. Two threads asking for the same missing image compute it once (the second waits).
 */
public final class ImageEmbeddingCache implements AutoCloseable {
    private final NDManager manager;
    private final Cache<ImageKey, Entry> cache;
    private final long maxBytes;

    /** The result of a lookup: a copy of the embedding in the caller's manager, and whether it was computed now. */
    public record Lookup(NDArray features, boolean computed) {}

    public record Stats(long hits, long misses, long evictions, long entries, long bytes) {}

    /** One cached array; copying and closing exclude each other so a copy never reads freed memory. */
    private static final class Entry {
        private final NDArray array;
        private boolean closed;

        Entry(NDArray array) {
            this.array = array;
        }

        synchronized NDArray copyInto(NDManager target) {
            if (closed) {
                return null;
            }
            NDArray copy = array.duplicate();
            copy.attach(target);
            return copy;
        }

        synchronized void close() {
            closed = true;
            array.close();
        }

        long bytes() {
            return array.size() * array.getDataType().getNumOfBytes();
        }
    }

    /** @param maxBytes bound on the bytes of cached embeddings; 0 disables caching */
    public ImageEmbeddingCache(long maxBytes, Device device) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.manager = NDManager.newBaseManager(device);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((ImageKey key, Entry entry) -> (int) Math.min(Integer.MAX_VALUE, entry.bytes()))
                .executor(Runnable::run) // evictions close arrays on the evicting thread, not asynchronously
                .removalListener((ImageKey key, Entry entry, RemovalCause cause) -> {
                    if (entry != null) {
                        entry.close();
                    }
                })
                .recordStats()
                .build();
    }

    /**
     * Returns a copy of the embedding for {@code key} in {@code target}, computing it with {@code compute} (which
     * receives the manager the new array must belong to) when it is not cached.
     */
    public Lookup get(ImageKey key, Function<NDManager, NDArray> compute, NDManager target) {
        if (maxBytes == 0) {
            return new Lookup(compute.apply(target), true);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean[] computed = {false};
            Entry entry = cache.get(key, k -> {
                computed[0] = true;
                return new Entry(compute.apply(manager));
            });
            NDArray copy = entry.copyInto(target);
            if (copy != null) {
                return new Lookup(copy, computed[0]);
            }
            // Evicted between lookup and copy: look up again (it is recomputed if still absent).
        }
        // Evicted twice in a row (an embedding larger than the whole cache): serve it uncached.
        return new Lookup(compute.apply(target), true);
    }

    public Stats stats() {
        var s = cache.stats();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new Stats(s.hitCount(), s.missCount(), s.evictionCount(), cache.estimatedSize(), bytes);
    }

    /** Drops every cached embedding (frees their memory). */
    public void clear() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    @Override
    public void close() {
        clear();
        manager.close();
    }
}
