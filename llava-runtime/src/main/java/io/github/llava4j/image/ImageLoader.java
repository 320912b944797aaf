package io.github.llava4j.image;

import io.github.llava4j.ImageException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files (PNG, JPEG including CMYK/YCCK/Adobe, GIF, BMP, WebP) into {@link RgbImage}s, safely:
 * the dimensions are checked against {@link Options#maxPixels()} and {@link Options#maxSide()} before any pixel is
 * decoded (decompression bombs), truncated or corrupt data fails with an {@link ImageException} naming the source
 * rather than yielding a half-grey image, the EXIF orientation is applied on request, and every layout becomes
 * 8-bit RGB as PIL's {@code convert('RGB')} would make it. Thread-safe; readers are created per call.
 */
public final class ImageLoader {

    private final Options options;

    public ImageLoader() {
        this(Options.defaults());
    }

    public ImageLoader(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** Reads and decodes the file at {@code path}. */
    public RgbImage load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ImageException("image file not found: " + path);
        } catch (IOException e) {
            throw new ImageException("cannot read image file " + path + ": " + e.getMessage(), e);
        }
        return load(bytes, path.toString());
    }

    /**
     * Decodes an encoded image.
     *
     * @param source how to name the image in error messages (a file name, URL or "upload #3")
     */
    public RgbImage load(byte[] bytes, String source) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageException("image " + source + " is empty (0 bytes)");
        }
        BufferedImage decoded = decode(bytes, source);
        RgbImage rgb = RgbConverter.toRgb(decoded, options.alphaPolicy());
        if (options.applyExifOrientation()) {
            rgb = ExifOrientation.apply(rgb, ExifOrientation.read(bytes));
        }
        return rgb;
    }

    /** Lower-case hex SHA-256 of {@code bytes}, for cache keys. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
    }

    private BufferedImage decode(byte[] bytes, String source) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageException("unrecognised image format in " + source + " (" + bytes.length
                        + " bytes, starting " + HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length))
                        + "); supported: PNG, JPEG, GIF, BMP, WebP");
            }
            ImageReader reader = readers.next();
            String format = formatName(reader);
            try {
                reader.setInput(in, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw corrupt(format, source, e);
                }
                checkSize(width, height, format, source);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                ImageReadParam param = reader.getDefaultReadParam();
                BufferedImage image;
                try {
                    ImageTypeSpecifier embedded = embeddedRgbType(reader);
                    if (embedded != null) {
                        param.setDestinationType(embedded);
                    }
                    image = reader.read(0, param);
                } catch (IOException | RuntimeException e) {
                    throw corrupt(format, source, e);
                }
                for (String warning : warnings) {
                    if (isTruncation(warning)) {
                        throw new ImageException("truncated or corrupt " + format + " image " + source + " ("
                                + width + "x" + height + "): " + warning);
                    }
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageException("cannot read image " + source + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new ImageException("out of memory decoding image " + source + "; lower Options.maxPixels", e);
        }
    }

    /**
     * The reader's image type in the file's own (embedded ICC) RGB colour space, if it offers one. Decoding into it
     * keeps the stored values, as PIL does (PIL never applies ICC profiles); the default type would convert them to
     * sRGB, which moved rocket.jpg's pixels by up to 19 levels. CMYK/YCCK files still get the reader's ICC-managed
     * conversion to sRGB, where PIL's naive CMYK formula would differ anyway.
     */
    private static ImageTypeSpecifier embeddedRgbType(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        while (types != null && types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            ColorModel cm = type.getColorModel();
            ColorSpace cs = cm.getColorSpace();
            if (cs.getType() == ColorSpace.TYPE_RGB && !cs.isCS_sRGB() && cm.getNumComponents() == 3
                    && !cm.hasAlpha()) {
                return type;
            }
        }
        return null;
    }

    private void checkSize(int width, int height, String format, String source) {
        if (width <= 0 || height <= 0) {
            throw new ImageException(format + " image " + source + " has invalid dimensions " + width + "x" + height);
        }
        if (width > options.maxSide() || height > options.maxSide()) {
            throw new ImageException(format + " image " + source + " is " + width + "x" + height
                    + ", a side exceeds the limit of " + options.maxSide() + " pixels (refused before decoding)");
        }
        if ((long) width * height > options.maxPixels()) {
            throw new ImageException(format + " image " + source + " is " + width + "x" + height + " = "
                    + (long) width * height + " pixels, over the limit of " + options.maxPixels()
                    + " (refused before decoding)");
        }
    }

    /** libjpeg reports missing scan data as a warning and fills the rest with grey; treat that as an error. */
    private static boolean isTruncation(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("unexpected end");
    }

    private static ImageException corrupt(String format, String source, Exception e) {
        return new ImageException("truncated or corrupt " + format + " image " + source + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    private static String formatName(ImageReader reader) {
        try {
            String name = reader.getFormatName();
            return name == null ? "image" : name.toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    /**
     * How images are decoded.
     *
     * @param maxPixels largest {@code width * height} accepted (checked from the header, before decoding)
     * @param maxSide largest width or height accepted
     * @param applyExifOrientation rotate/mirror per the EXIF orientation tag. On by default because users expect a
     *     phone photo to be seen upright; the reference pipelines (LLaVA's {@code Image.open().convert('RGB')} and
     *     transformers' CLIPImageProcessor) do not apply it, so turn it off to match their pixel values exactly
     * @param alphaPolicy what happens to transparency, {@link AlphaPolicy#DROP} by default as in original LLaVA
     */
    public record Options(long maxPixels, int maxSide, boolean applyExifOrientation, AlphaPolicy alphaPolicy) {

        public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
        public static final int DEFAULT_MAX_SIDE = 20_000;

        public Options {
            if (maxPixels <= 0) {
                throw new IllegalArgumentException("ImageLoader.Options.maxPixels must be positive, got " + maxPixels);
            }
            if (maxSide <= 0) {
                throw new IllegalArgumentException("ImageLoader.Options.maxSide must be positive, got " + maxSide);
            }
            if (alphaPolicy == null) {
                throw new IllegalArgumentException("ImageLoader.Options.alphaPolicy is required");
            }
        }

        /** EXIF orientation applied, alpha dropped, 50 megapixels / 20000 px per side at most. */
        public static Options defaults() {
            return builder().build();
        }

        /** Exactly what original LLaVA sees: no EXIF orientation, alpha dropped. */
        public static Options llavaReference() {
            return builder().applyExifOrientation(false).alphaPolicy(AlphaPolicy.DROP).build();
        }

        /** Exactly what transformers' CLIPImageProcessor sees: no EXIF orientation, alpha composited on white. */
        public static Options transformersReference() {
            return builder().applyExifOrientation(false).alphaPolicy(AlphaPolicy.COMPOSITE_ON_WHITE).build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().maxPixels(maxPixels).maxSide(maxSide).applyExifOrientation(applyExifOrientation)
                    .alphaPolicy(alphaPolicy);
        }

        /** The options that change pixel values, as a short stable string (limits only refuse images). */
        public String pixelKey() {
            return "exif=" + (applyExifOrientation ? 1 : 0) + ",alpha=" + alphaPolicy.name().toLowerCase(Locale.ROOT);
        }

        /** Builder for {@link Options}; starts from the defaults. */
        public static final class Builder {
            private long maxPixels = DEFAULT_MAX_PIXELS;
            private int maxSide = DEFAULT_MAX_SIDE;
            private boolean applyExifOrientation = true;
            private AlphaPolicy alphaPolicy = AlphaPolicy.DROP;

            public Builder maxPixels(long value) {
                this.maxPixels = value;
                return this;
            }

            public Builder maxSide(int value) {
                this.maxSide = value;
                return this;
            }

            public Builder applyExifOrientation(boolean value) {
                this.applyExifOrientation = value;
                return this;
            }

            public Builder alphaPolicy(AlphaPolicy value) {
                this.alphaPolicy = value;
                return this;
            }

            public Options build() {
                return new Options(maxPixels, maxSide, applyExifOrientation, alphaPolicy);
            }
        }
    }
}
