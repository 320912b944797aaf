package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An image and the captions that describe it, for contrastive pretraining: either an image file (decoded and
 * preprocessed when used) or pixels already preprocessed for the vision tower; optionally its regions with the
 * phrases that name them.
 *
 * @param file the image file, or null when {@code pixels} is given
 * @param pixels preprocessed pixels {@code [3, S, S]}, or null when {@code file} is given
 * @param captions one or more captions; training picks one per use
 * @param regions boxes with phrases for the region-level loss ({@link ClipPretrainer}); may be empty
 */
public record ImageCaption(Path file, PixelValues pixels, List<String> captions, List<ImageRegion> regions) {
    public ImageCaption {
        if ((file == null) == (pixels == null)) {
            throw new IllegalArgumentException("an image caption needs exactly one of an image file and pixels");
        }
        Objects.requireNonNull(captions, "captions");
        if (captions.isEmpty() || captions.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("image " + (file != null ? file : pixels)
                    + " needs one or more non-blank captions, got " + captions);
        }
        captions = List.copyOf(captions);
        regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
    }

    public static ImageCaption ofFile(Path file, List<String> captions) {
        return ofFile(file, captions, List.of());
    }

    public static ImageCaption ofFile(Path file, List<String> captions, List<ImageRegion> regions) {
        return new ImageCaption(Objects.requireNonNull(file, "file"), null, captions, regions);
    }

    public static ImageCaption ofPixels(PixelValues pixels, List<String> captions) {
        return ofPixels(pixels, captions, List.of());
    }

    public static ImageCaption ofPixels(PixelValues pixels, List<String> captions, List<ImageRegion> regions) {
        return new ImageCaption(null, Objects.requireNonNull(pixels, "pixels"), captions, regions);
    }

    /** The pixels as the vision tower takes them: as given, or the file preprocessed by {@code preprocessor}. */
    PixelValues pixels(ImagePreprocessor preprocessor) {
        return pixels != null ? pixels : preprocessor.preprocess(file);
    }

    /** Where the image comes from, for messages. */
    String source() {
        return file != null ? file.toString() : "pixels " + pixels;
    }
}
