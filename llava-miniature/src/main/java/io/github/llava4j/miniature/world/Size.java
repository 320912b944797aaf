package io.github.llava4j.miniature.world;

import java.util.Locale;

/**
 * Object size class. The side of an object's (square) box is drawn uniformly from
 * {@code [minFraction, maxFraction] * imageSize}; the two ranges are far apart so "small" and "large" stay visible.
 * Large reaches 0.47 so that, on the default 64 px world's 16 px grid, a large object fills 2x2 cells (30 px) while a
 * small one fills one (14 px).
 */
public enum Size {
    SMALL(0.16, 0.24),
    LARGE(0.32, 0.47);

    private final double minFraction;
    private final double maxFraction;

    Size(double minFraction, double maxFraction) {
        this.minFraction = minFraction;
        this.maxFraction = maxFraction;
    }

    public double minFraction() {
        return minFraction;
    }

    public double maxFraction() {
        return maxFraction;
    }

    /** The word used in captions, e.g. {@code "small"}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
