package io.github.llava4j.miniature.world;

import java.util.List;
import java.util.SplittableRandom;

/** Derives independent random streams from (seed, index, purpose) so each scene depends only on its own index. */
final class Seeds {

    private Seeds() {}

    /** A well-mixed 64-bit seed for stream {@code purpose} of item {@code index} under {@code seed}. */
    static long derive(long seed, long index, long purpose) {
        return mix(mix(mix(seed) ^ index) ^ (purpose * 0x9E3779B97F4A7C15L));
    }

    /** Fisher-Yates shuffle driven by {@code random} (Collections.shuffle wants a java.util.Random). */
    static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }

    // SplitMix64's finalizer: nearby inputs give unrelated outputs
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
