package io.github.llava4j.image;

import java.util.Arrays;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved {@code R, G, B}: the one pixel format the
 * preprocessing pipeline works on (what PIL calls mode "RGB").
 *
 * <p>The array is not copied; treat it as immutable once the record is built.
 *
 * @param rgb {@code width * height * 3} bytes; pixel {@code (x, y)}, channel {@code c} is at
 *     {@code (y * width + x) * 3 + c}
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("RgbImage: width and height must be positive, got "
                    + width + "x" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RgbImage " + width + "x" + height + ": need "
                    + (long) width * height * 3 + " bytes, got " + (rgb == null ? "null" : rgb.length));
        }
    }

    /** An image filled with one colour. */
    public static RgbImage filled(int width, int height, int r, int g, int b) {
        byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        for (int i = 0; i < data.length; i += 3) {
            data[i] = (byte) r;
            data[i + 1] = (byte) g;
            data[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, data);
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel {@code (x, y)}, 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height
                && Arrays.equals(rgb, other.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
