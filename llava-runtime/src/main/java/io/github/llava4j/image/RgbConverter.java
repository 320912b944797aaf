package io.github.llava4j.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} of any layout into an {@link RgbImage}, the way PIL's
 * {@code convert('RGB')} treats the same file: stored sample values are used as they are (no ICC colour
 * management, as PIL does not apply embedded profiles either), grayscale is replicated to three channels, palettes
 * are looked up, 16-bit samples keep their high byte (what PIL does for 16-bit RGB PNGs), and alpha follows the
 * {@link AlphaPolicy}. Layouts without a plain RGB/gray meaning (CMYK, YCCK, float samples, premultiplied alpha)
 * go through Java's colour conversion to sRGB.
 */
final class RgbConverter {

    private RgbConverter() {}

    static RgbImage toRgb(BufferedImage image, AlphaPolicy alphaPolicy) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        boolean composite = alphaPolicy == AlphaPolicy.COMPOSITE_ON_WHITE && cm.hasAlpha();
        if (cm instanceof IndexColorModel icm) {
            int[] idx = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, idx);
                for (int x = 0; x < w; x++) {
                    int i = idx[x];
                    put(out, (y * w + x) * 3, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), icm.getAlpha(i),
                            composite);
                }
            }
        } else if (isPlain(cm, raster, ColorSpace.TYPE_GRAY, 1)) {
            int bands = raster.getNumBands();
            int[] px = new int[w * bands];
            int bits = raster.getSampleModel().getSampleSize(0);
            int alphaBits = cm.hasAlpha() ? raster.getSampleModel().getSampleSize(bands - 1) : 8;
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, px);
                for (int x = 0; x < w; x++) {
                    int g = to8(px[x * bands], bits);
                    int a = cm.hasAlpha() ? to8(px[x * bands + bands - 1], alphaBits) : 255;
                    put(out, (y * w + x) * 3, g, g, g, a, composite);
                }
            }
        } else if (isPlain(cm, raster, ColorSpace.TYPE_RGB, 3)) {
            int bands = raster.getNumBands();
            int[] px = new int[w * bands];
            int[] bits = raster.getSampleModel().getSampleSize();
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, px);
                for (int x = 0; x < w; x++) {
                    int p = x * bands;
                    int a = cm.hasAlpha() ? to8(px[p + 3], bits[3]) : 255;
                    put(out, (y * w + x) * 3, to8(px[p], bits[0]), to8(px[p + 1], bits[1]),
                            to8(px[p + 2], bits[2]), a, composite);
                }
            }
        } else {
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0; x < w; x++) {
                    int c = argb[x];
                    put(out, (y * w + x) * 3, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, c >>> 24, composite);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Raw samples mean colour values: integer samples, the expected colour space, no premultiplied alpha. */
    private static boolean isPlain(ColorModel cm, Raster raster, int colorSpaceType, int colorComponents) {
        int transfer = raster.getTransferType();
        boolean integer = transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT
                || transfer == DataBuffer.TYPE_INT;
        int expectedBands = colorComponents + (cm.hasAlpha() ? 1 : 0);
        if (!integer || cm.isAlphaPremultiplied() || cm.getColorSpace().getType() != colorSpaceType
                || cm.getNumColorComponents() != colorComponents || raster.getNumBands() != expectedBands) {
            return false;
        }
        for (int size : raster.getSampleModel().getSampleSize()) {
            if (size > 16) {
                return false;
            }
        }
        return true;
    }

    /** Scales a sample of {@code bits} bits to 0..255: 16-bit keeps the high byte, fewer bits stretch. */
    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v & 0xFF;
        }
        if (bits > 8) {
            return (v >>> (bits - 8)) & 0xFF;
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static void put(byte[] out, int i, int r, int g, int b, int a, boolean composite) {
        if (composite && a != 255) {
            r = overWhite(r, a);
            g = overWhite(g, a);
            b = overWhite(b, a);
        }
        out[i] = (byte) r;
        out[i + 1] = (byte) g;
        out[i + 2] = (byte) b;
    }

    /**
     * One channel of PIL's {@code alpha_composite(white, src)}: 7-bit fixed-point coefficients and its
     * shift-based division by 255, which differs from exact rounding by one level for some inputs.
     */
    static int overWhite(int c, int a) {
        if (a == 0) {
            return 255;
        }
        final int bits = 7;
        long outA255 = a * 255L + 255L * (255 - a);
        long coef1 = a * 255L * 255L * (1 << bits) / outA255;
        long coef2 = 255L * (1 << bits) - coef1;
        long tmp = c * coef1 + 255L * coef2 + (0x80L << bits);
        return (int) ((((tmp >> 8) + tmp) >> 8) >> bits);
    }
}
