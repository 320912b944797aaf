package io.github.llava4j.miniature.pretrain;

import java.util.Random;

/** Seed derivation shared by the pretrainers, so that a run is a function of its seed alone. */
final class Seeds {
    private Seeds() {}

    /** SplitMix64 of {@code seed} and {@code value}: independent streams per epoch, step or sample. */
    static long mix(long seed, long value) {
        long z = seed + 0x9E3779B97F4A7C15L * (value + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seeded Fisher-Yates permutation of {@code 0..n-1}. */
    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
