package io.github.llava4j.image;

import java.util.Arrays;

/**
 * The tensor the vision tower consumes for one image: float32 values in CHW layout (what transformers calls
 * {@code pixel_values[0]}), plus a key identifying how they were produced.
 *
 * @param chw {@code channels * height * width} values; value {@code (c, y, x)} at {@code (c * height + y) * width + x}
 * @param preprocessingKey short stable description of the preprocessing (config and loader options), so an image
 *     cache keyed by {@code sha256(bytes) + preprocessingKey + model id} never mixes pipelines
 */
public record PixelValues(float[] chw, int channels, int height, int width, String preprocessingKey) {

    public PixelValues {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("PixelValues: shape must be positive, got [" + channels + ", "
                    + height + ", " + width + "]");
        }
        if (chw == null || chw.length != (long) channels * height * width) {
            throw new IllegalArgumentException("PixelValues [" + channels + ", " + height + ", " + width
                    + "] needs " + (long) channels * height * width + " values, got "
                    + (chw == null ? "null" : chw.length));
        }
        if (preprocessingKey == null || preprocessingKey.isEmpty()) {
            throw new IllegalArgumentException("PixelValues: preprocessingKey is required");
        }
    }

    /** Shape as {@code [C, H, W]}. */
    public long[] shape() {
        return new long[] {channels, height, width};
    }

    /** Value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return chw[(c * height + y) * width + x];
    }

    /** Equal when shape, key and every value (bitwise, as {@link Arrays#equals(float[], float[])}) are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PixelValues other && channels == other.channels && height == other.height
                && width == other.width && preprocessingKey.equals(other.preprocessingKey)
                && Arrays.equals(chw, other.chw);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(chw);
    }

    @Override
    public String toString() {
        return "PixelValues[" + channels + ", " + height + ", " + width + "; " + preprocessingKey + "]";
    }
}
