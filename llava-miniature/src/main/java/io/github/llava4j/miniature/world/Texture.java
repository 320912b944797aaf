package io.github.llava4j.miniature.world;

/** How a background is painted around its base colour (amplitude set by {@link WorldConfig#textureAmplitude()}). */
public enum Texture {
    /** The base colour everywhere. */
    PLAIN,
    /** Independent per-pixel brightness noise, uniform in {@code ±amplitude}. */
    NOISE,
    /** A linear brightness ramp from {@code -amplitude} to {@code +amplitude} in one of four directions. */
    GRADIENT
}
