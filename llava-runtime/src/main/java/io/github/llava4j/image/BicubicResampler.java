package io.github.llava4j.image;

import java.util.Arrays;

/**
 * Resizes an {@link RgbImage} exactly as Pillow's {@code Image.resize(size, Image.BICUBIC)} does for 8-bit RGB,
 * so that preprocessing matches the PIL-based reference pipelines byte for byte.
 *
 * <p>Behaviour reproduced (Pillow {@code libImaging/Resample.c}):
 * <ul>
 *   <li>Keys cubic kernel with {@code a = -0.5}, support 2;</li>
 *   <li>antialiasing on downscale: the kernel is stretched by {@code max(in / out, 1)};</li>
 *   <li>per output pixel, the taps {@code [xmin, xmin + n)} are the input pixels whose centres lie within the
 *       (stretched) support, bounds rounded half up and clamped to the image; weights are normalised to sum 1;</li>
 *   <li>weights become fixed point with 22 fractional bits (rounded half away from zero); accumulation starts at
 *       one half, results are shifted back and clipped to 0..255;</li>
 *   <li>a horizontal pass then a vertical pass with an 8-bit intermediate; a pass whose dimension does not change
 *       is skipped (Pillow does the same, so the unchanged axis is copied, not filtered).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class BicubicResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private BicubicResampler() {}

    /** Resizes {@code image} to {@code width x height}; returns the same image when the size is unchanged. */
    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        RgbImage out = image;
        if (width != image.width()) {
            out = horizontal(out, width);
        }
        if (height != image.height()) {
            out = vertical(out, height);
        }
        return out;
    }

    /** Keys cubic convolution kernel, a = -0.5. */
    static double cubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Fixed-point taps for resampling one axis of {@code inSize} pixels to {@code outSize}. */
    record Coefficients(int ksize, int[] start, int[] count, int[] weights) {}

    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        double invScale = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            // Pillow rounds the bounds by adding 0.5 and truncating toward zero
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = cubic((x + xmin - center + 0.5) * invScale);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * ksize + x] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(ksize, start, count, weights);
    }

    private static RgbImage horizontal(RgbImage in, int outWidth) {
        int inWidth = in.width();
        int height = in.height();
        Coefficients c = coefficients(inWidth, outWidth);
        byte[] src = in.rgb();
        byte[] dst = new byte[outWidth * height * 3];
        for (int y = 0; y < height; y++) {
            int rowIn = y * inWidth * 3;
            int rowOut = y * outWidth * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int base = xx * c.ksize();
                int xmin = c.start()[xx];
                int n = c.count()[xx];
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int x = 0; x < n; x++) {
                    int w = c.weights()[base + x];
                    int p = rowIn + (xmin + x) * 3;
                    s0 += (src[p] & 0xFF) * w;
                    s1 += (src[p + 1] & 0xFF) * w;
                    s2 += (src[p + 2] & 0xFF) * w;
                }
                int q = rowOut + xx * 3;
                dst[q] = clip8(s0);
                dst[q + 1] = clip8(s1);
                dst[q + 2] = clip8(s2);
            }
        }
        return new RgbImage(outWidth, height, dst);
    }

    private static RgbImage vertical(RgbImage in, int outHeight) {
        int width = in.width();
        int stride = width * 3;
        Coefficients c = coefficients(in.height(), outHeight);
        byte[] src = in.rgb();
        byte[] dst = new byte[outHeight * stride];
        int[] acc = new int[stride];
        for (int yy = 0; yy < outHeight; yy++) {
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int base = yy * c.ksize();
            int ymin = c.start()[yy];
            int n = c.count()[yy];
            for (int y = 0; y < n; y++) {
                int w = c.weights()[base + y];
                int row = (ymin + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (src[row + i] & 0xFF) * w;
                }
            }
            int rowOut = yy * stride;
            for (int i = 0; i < stride; i++) {
                dst[rowOut + i] = clip8(acc[i]);
            }
        }
        return new RgbImage(width, outHeight, dst);
    }

    private static byte clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (v <= 0) {
            return 0;
        }
        return (byte) (v >> PRECISION_BITS);
    }
}
