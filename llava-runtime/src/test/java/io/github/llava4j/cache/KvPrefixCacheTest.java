package io.github.llava4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.github.llava4j.model.KvCache;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvPrefixCacheTest {
    private static final int IMG = 99;
    private static final int SEQ = 4;
    private static final ImageKey CAT = new ImageKey("cat", "pad", "m");
    private static final ImageKey DOG = new ImageKey("dog", "pad", "m");

    private static KvPrefixCache.Content content(List<ImageKey> images, int... ids) {
        return new KvPrefixCache.Content(ids, images, IMG, SEQ);
    }

    /** A cache filled to the positions of {@code content} (values are irrelevant to the prefix logic). */
    private static KvCache filled(KvPrefixCache.Content content, int capacity) {
        KvCache cache = new KvCache(1, 1, 2, capacity, Device.cpu());
        advance(cache, content.expandedLength());
        return cache;
    }

    private static void advance(KvCache cache, int positions) {
        try {
            var method = KvCache.class.getDeclaredMethod("advance", int.class);
            method.setAccessible(true);
            method.invoke(cache, positions);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void should_count_shared_positions_with_images_as_whole_blocks() {
        var a = content(List.of(CAT), 1, 5, IMG, 7, 8);
        assertThat(a.expandedLength()).isEqualTo(4 + SEQ);
        assertThat(a.commonPrefix(content(List.of(CAT), 1, 5, IMG, 7, 9))).isEqualTo(2 + SEQ + 1);
        assertThat(a.commonPrefix(content(List.of(DOG), 1, 5, IMG, 7, 8))).isEqualTo(2);
        assertThat(a.commonPrefix(content(List.of(), 2, 5))).isZero();
    }

    @Test
    void should_reuse_the_longest_prefix_and_leave_one_position_to_prefill() {
        try (KvPrefixCache prefixes = new KvPrefixCache(2)) {
            var turn1 = content(List.of(CAT), 1, 5, IMG, 7, 8, 20, 21);
            prefixes.offer(turn1, filled(turn1, 64));
            var turn2 = content(List.of(CAT), 1, 5, IMG, 7, 8, 20, 21, 30, 31);
            var lease = prefixes.lease(turn2, 32).orElseThrow();
            assertThat(lease.reusable()).isEqualTo(turn1.expandedLength());
            assertThat(lease.cache().position()).isEqualTo(turn1.expandedLength());
            assertThat(prefixes.stats().entries()).isZero(); // leased exclusively
            lease.cache().close();

            var same = content(List.of(CAT), 1, 5, IMG, 7);
            prefixes.offer(same, filled(same, 64));
            var again = prefixes.lease(same, 32).orElseThrow();
            assertThat(again.reusable()).isEqualTo(same.expandedLength() - 1);
            again.cache().close();
        }
    }

    @Test
    void should_not_cut_an_image_in_half() {
        try (KvPrefixCache prefixes = new KvPrefixCache(1)) {
            var cached = content(List.of(CAT), 1, IMG);
            prefixes.offer(cached, filled(cached, 64));
            // the new prompt is exactly the cached one: reuse must back off to before the image
            var lease = prefixes.lease(content(List.of(CAT), 1, IMG), 32).orElseThrow();
            assertThat(lease.reusable()).isEqualTo(1);
            lease.cache().close();
        }
    }

    @Test
    void should_skip_caches_too_small_and_close_evicted_ones() {
        try (KvPrefixCache prefixes = new KvPrefixCache(1)) {
            var a = content(List.of(), 1, 2, 3);
            KvCache small = filled(a, 4);
            prefixes.offer(a, small);
            assertThat(prefixes.lease(content(List.of(), 1, 2, 3, 4), 16)).isEmpty();
            var b = content(List.of(), 5, 6);
            prefixes.offer(b, filled(b, 8));
            assertThat(prefixes.stats().entries()).isEqualTo(1);
            assertThat(small.manager().isOpen()).isFalse();
        }
    }
}
