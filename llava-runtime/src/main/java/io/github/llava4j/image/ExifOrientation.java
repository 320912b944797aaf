package io.github.llava4j.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;

/**
 * EXIF orientation (tag 0x0112 in IFD0): reading it and undoing it the way PIL's {@code ImageOps.exif_transpose}
 * does, so that a photo taken with a rotated camera is seen upright.
 *
 * <p>Value to operation: 1 none, 2 mirror left-right, 3 rotate 180, 4 mirror top-bottom, 5 transpose,
 * 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
 */
final class ExifOrientation {

    private ExifOrientation() {}

    /** The orientation stored in the file, or 1 when there is none, it is out of range or metadata is unreadable. */
    static int read(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (ifd0 == null || !ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return 1;
            }
            int value = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return value >= 1 && value <= 8 ? value : 1;
        } catch (Exception e) {
            // broken metadata must not make a decodable image unusable; PIL also ignores what it cannot parse
            return 1;
        }
    }

    /** Returns {@code image} transformed so that it displays upright for the given EXIF orientation. */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8, got " + orientation);
        }
        if (orientation == 1) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = image.rgb();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the source pixel that lands on output (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                int s = (sy * w + sx) * 3;
                int d = (y * ow + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, dst);
    }
}
