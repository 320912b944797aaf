package io.github.llava4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImageEmbeddingCacheTest {
    private static final long ROWS_BYTES = 4 * 8 * 4; // [4, 8] floats

    private static ImageKey key(String name) {
        return new ImageKey(name, "pad-28", "model");
    }

    private static NDArray embedding(NDManager manager, float value) {
        return manager.full(new Shape(4, 8), value);
    }

    @Test
    void should_compute_once_and_then_hit() {
        AtomicInteger computed = new AtomicInteger();
        try (ImageEmbeddingCache cache = new ImageEmbeddingCache(1 << 20, Device.cpu());
                NDManager caller = NDManager.newBaseManager()) {
            var first = cache.get(key("a"), m -> {
                computed.incrementAndGet();
                return embedding(m, 1f);
            }, caller);
            var second = cache.get(key("a"), m -> embedding(m, 2f), caller);
            assertThat(first.computed()).isTrue();
            assertThat(second.computed()).isFalse();
            assertThat(second.features().getFloat(0, 0)).isEqualTo(1f);
            assertThat(computed).hasValue(1);
            assertThat(cache.stats().hits()).isEqualTo(1);
            assertThat(cache.stats().misses()).isEqualTo(1);
            assertThat(cache.stats().bytes()).isEqualTo(ROWS_BYTES);
        }
    }

    @Test
    void should_evict_beyond_the_byte_bound_and_free_the_evicted_arrays() {
        List<NDArray> cached = new ArrayList<>();
        try (ImageEmbeddingCache cache = new ImageEmbeddingCache(2 * ROWS_BYTES, Device.cpu());
                NDManager caller = NDManager.newBaseManager()) {
            for (String name : new String[] {"a", "b", "c", "d"}) {
                cache.get(key(name), m -> {
                    NDArray array = embedding(m, 1f);
                    cached.add(array);
                    return array;
                }, caller);
            }
            cache.stats(); // runs pending maintenance
            assertThat(cache.stats().entries()).isLessThanOrEqualTo(2);
            assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(2);
            long released = cached.stream().filter(NDArray::isReleased).count();
            assertThat(released).isEqualTo(cache.stats().evictions());
        }
        assertThat(cached).allMatch(NDArray::isReleased);
    }

    @Test
    void should_hand_out_copies_that_survive_eviction() {
        try (ImageEmbeddingCache cache = new ImageEmbeddingCache(ROWS_BYTES, Device.cpu());
                NDManager caller = NDManager.newBaseManager()) {
            NDArray held = cache.get(key("a"), m -> embedding(m, 3f), caller).features();
            cache.get(key("b"), m -> embedding(m, 4f), caller); // evicts "a"
            cache.clear();
            assertThat(held.isReleased()).isFalse();
            assertThat(held.getFloat(3, 7)).isEqualTo(3f);
        }
    }

    @Test
    void should_compute_a_missing_image_once_for_concurrent_requests() throws Exception {
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ImageEmbeddingCache cache = new ImageEmbeddingCache(1 << 20, Device.cpu())) {
            List<Future<Float>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try (NDManager caller = NDManager.newBaseManager()) {
                        return cache.get(key("same"), m -> {
                            computed.incrementAndGet();
                            sleep(100);
                            return embedding(m, 5f);
                        }, caller).features().getFloat(0, 0);
                    }
                }));
            }
            start.countDown();
            for (Future<Float> result : results) {
                assertThat(result.get()).isEqualTo(5f);
            }
            assertThat(computed).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_not_cache_when_disabled() {
        AtomicInteger computed = new AtomicInteger();
        try (ImageEmbeddingCache cache = new ImageEmbeddingCache(0, Device.cpu());
                NDManager caller = NDManager.newBaseManager()) {
            for (int i = 0; i < 3; i++) {
                cache.get(key("a"), m -> {
                    computed.incrementAndGet();
                    return embedding(m, 1f);
                }, caller);
            }
            assertThat(computed).hasValue(3);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
