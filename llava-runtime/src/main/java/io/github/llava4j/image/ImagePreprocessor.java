package io.github.llava4j.image;

import io.github.llava4j.ImageException;
import io.github.llava4j.config.ImageMode;
import io.github.llava4j.config.PreprocessorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns an image into the vision tower's {@link PixelValues}, reproducing the reference pipelines value for value:
 *
 * <ol>
 *   <li>{@link ImageMode#PAD} only: LLaVA-1.5's {@code expand2square} - a square canvas of the colour
 *       {@code int(255 * mean)} per channel (truncated: (122, 116, 104) for the CLIP mean) with the image pasted
 *       at {@code floor((side - w) / 2)} or {@code floor((side - h) / 2)};</li>
 *   <li>CLIPImageProcessor: resize so the shortest edge is {@code shortestEdge} (long edge
 *       {@code int(s * long / short)}) with {@link BicubicResampler} (PIL bicubic);</li>
 *   <li>center crop at {@code top = floor((H - h) / 2)}, {@code left = floor((W - w) / 2)}; when the image is smaller
 *       than the crop it is zero-padded with the image at {@code ceil((h - H) / 2)}, as transformers does;</li>
 *   <li>rescale: {@code (float) (x * rescaleFactor)} computed in double, as numpy's float64 multiply then cast;</li>
 *   <li>normalize in float32: {@code (x - (float) mean) / (float) std};</li>
 *   <li>HWC to CHW.</li>
 * </ol>
 * Immutable and thread-safe.
 */
public final class ImagePreprocessor {

    private final PreprocessorConfig config;
    private final ImageLoader loader;
    private final String key;

    /** A preprocessor whose images are decoded with {@link ImageLoader.Options#defaults()}. */
    public ImagePreprocessor(PreprocessorConfig config) {
        this(config, new ImageLoader());
    }

    public ImagePreprocessor(PreprocessorConfig config, ImageLoader loader) {
        this.config = config;
        this.loader = loader;
        this.key = computeKey(config, loader.options());
    }

    public PreprocessorConfig config() {
        return config;
    }

    public ImageLoader loader() {
        return loader;
    }

    /**
     * Short stable identifier of everything that changes the pixel values: the config and the loader's EXIF and
     * alpha options. Equal keys mean equal {@link PixelValues} for equal image bytes.
     */
    public String preprocessingKey() {
        return key;
    }

    /** Decodes {@code bytes} with this preprocessor's loader and preprocesses the result. */
    public PixelValues preprocess(byte[] bytes, String source) {
        return preprocess(loader.load(bytes, source));
    }

    /** Decodes the file at {@code path} with this preprocessor's loader and preprocesses the result. */
    public PixelValues preprocess(Path path) {
        return preprocess(loader.load(path));
    }

    /** Preprocesses an already decoded image. */
    public PixelValues preprocess(RgbImage image) {
        RgbImage img = config.mode() == ImageMode.PAD ? expandToSquare(image, backgroundColour(config)) : image;
        if (config.doResize()) {
            int[] size = shortestEdgeSize(img.width(), img.height(), config.shortestEdge());
            img = BicubicResampler.resize(img, size[0], size[1]);
        }
        if (config.doCenterCrop()) {
            img = centerCrop(img, config.cropWidth(), config.cropHeight());
        }
        return new PixelValues(toChw(img), 3, img.height(), img.width(), key);
    }

    /** {@code int(255 * mean[c])} per channel, the canvas colour of {@code expand2square}. */
    static int[] backgroundColour(PreprocessorConfig config) {
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (int) (config.mean().get(c) * 255);
        }
        return rgb;
    }

    /** LLaVA-1.5 {@code expand2square}: pad the short side to a square, image centred at floor offsets. */
    static RgbImage expandToSquare(RgbImage image, int[] background) {
        int w = image.width();
        int h = image.height();
        if (w == h) {
            return image;
        }
        int side = Math.max(w, h);
        RgbImage canvas = RgbImage.filled(side, side, background[0], background[1], background[2]);
        int left = w > h ? 0 : (h - w) / 2;
        int top = w > h ? (w - h) / 2 : 0;
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), y * w * 3, canvas.rgb(), ((top + y) * side + left) * 3, w * 3);
        }
        return canvas;
    }

    /** transformers' {@code get_resize_output_image_size} for {@code shortest_edge}: returns {width, height}. */
    static int[] shortestEdgeSize(int width, int height, int shortestEdge) {
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        // Python's int(s * long / short): exact integer product, double division, truncation
        long product = (long) shortestEdge * longSide;
        int newLong = (int) ((double) product / shortSide);
        if (newLong <= 0) {
            throw new ImageException("image " + width + "x" + height + " cannot be resized to shortest edge "
                    + shortestEdge);
        }
        return width <= height ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
    }

    /** transformers' {@code center_crop}, including its zero padding of images smaller than the crop. */
    static RgbImage centerCrop(RgbImage image, int cropWidth, int cropHeight) {
        int w = image.width();
        int h = image.height();
        if (w == cropWidth && h == cropHeight) {
            return image;
        }
        // per axis: source offset when cropping (floor division), destination offset when padding (ceil)
        int srcX = w >= cropWidth ? Math.floorDiv(w - cropWidth, 2) : 0;
        int dstX = w >= cropWidth ? 0 : (cropWidth - w + 1) / 2;
        int srcY = h >= cropHeight ? Math.floorDiv(h - cropHeight, 2) : 0;
        int dstY = h >= cropHeight ? 0 : (cropHeight - h + 1) / 2;
        int copyW = Math.min(w, cropWidth);
        int copyH = Math.min(h, cropHeight);
        byte[] out = new byte[cropWidth * cropHeight * 3];
        for (int y = 0; y < copyH; y++) {
            System.arraycopy(image.rgb(), ((srcY + y) * w + srcX) * 3, out, ((dstY + y) * cropWidth + dstX) * 3,
                    copyW * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    private float[] toChw(RgbImage img) {
        int plane = img.width() * img.height();
        float[] chw = new float[3 * plane];
        byte[] rgb = img.rgb();
        for (int c = 0; c < 3; c++) {
            // float32 constants as numpy builds them: np.array(mean, dtype=float32)
            float mean = (float) (double) config.mean().get(c);
            float std = (float) (double) config.std().get(c);
            for (int i = 0; i < plane; i++) {
                int v = rgb[i * 3 + c] & 0xFF;
                float x = config.doRescale() ? (float) (v * config.rescaleFactor()) : (float) v;
                if (config.doNormalize()) {
                    x = (x - mean) / std;
                }
                chw[c * plane + i] = x;
            }
        }
        return chw;
    }

    private static String computeKey(PreprocessorConfig c, ImageLoader.Options options) {
        String description = String.format(Locale.ROOT,
                "mode=%s;resize=%b/%d/%d;crop=%b/%dx%d;rescale=%b/%s;norm=%b/%s/%s;%s",
                c.mode(), c.doResize(), c.shortestEdge(), c.resample(), c.doCenterCrop(), c.cropWidth(),
                c.cropHeight(), c.doRescale(), Double.toString(c.rescaleFactor()), c.doNormalize(), c.mean(),
                c.std(), options.pixelKey());
        String hash = ImageLoader.sha256(description.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return c.mode().name().toLowerCase(Locale.ROOT) + "-" + c.cropWidth() + "x" + c.cropHeight() + "-" + hash;
    }
}
