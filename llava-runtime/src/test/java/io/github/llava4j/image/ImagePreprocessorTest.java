package io.github.llava4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.config.ImageMode;
import io.github.llava4j.config.PreprocessorConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static final PreprocessorConfig CLIP_336 = PreprocessorConfig.clipDefaults(336);

    @Test
    void should_use_the_truncated_clip_mean_as_pad_colour() {
        assertThat(ImagePreprocessor.backgroundColour(CLIP_336)).containsExactly(122, 116, 104);
    }

    @Test
    void should_pad_wide_and_tall_images_to_squares_at_floor_offsets() {
        RgbImage wide = RgbImage.filled(5, 2, 255, 0, 0);
        RgbImage tall = RgbImage.filled(2, 5, 0, 255, 0);
        int[] bg = {122, 116, 104};

        RgbImage w = ImagePreprocessor.expandToSquare(wide, bg);
        RgbImage t = ImagePreprocessor.expandToSquare(tall, bg);

        // (5 - 2) / 2 = 1: one row of padding above, two below
        assertThat(w.width()).isEqualTo(5);
        assertThat(w.height()).isEqualTo(5);
        for (int y = 0; y < 5; y++) {
            int[] expected = y == 1 || y == 2 ? new int[] {255, 0, 0} : bg;
            assertThat(new int[] {w.get(4, y, 0), w.get(4, y, 1), w.get(4, y, 2)}).as("row " + y)
                    .containsExactly(expected);
        }
        for (int x = 0; x < 5; x++) {
            int[] expected = x == 1 || x == 2 ? new int[] {0, 255, 0} : bg;
            assertThat(new int[] {t.get(x, 0, 0), t.get(x, 0, 1), t.get(x, 0, 2)}).as("column " + x)
                    .containsExactly(expected);
        }
        RgbImage square = RgbImage.filled(3, 3, 1, 2, 3);
        assertThat(ImagePreprocessor.expandToSquare(square, bg)).isSameAs(square);
    }

    @Test
    void should_emit_raw_padded_values_when_resize_crop_rescale_and_normalize_are_off() {
        PreprocessorConfig raw = new PreprocessorConfig(ImageMode.PAD, false, 4, PreprocessorConfig.PIL_BICUBIC,
                false, 4, 4, false, 1.0 / 255, false, CLIP_336.mean(), CLIP_336.std());

        PixelValues px = new ImagePreprocessor(raw).preprocess(RgbImage.filled(4, 2, 10, 20, 30));

        assertThat(px.shape()).containsExactly(3, 4, 4);
        assertThat(px.get(0, 0, 0)).isEqualTo(122f);   // pad row on top (offset (4 - 2) / 2 = 1)
        assertThat(px.get(2, 3, 3)).isEqualTo(104f);   // pad row at the bottom
        assertThat(px.get(0, 1, 0)).isEqualTo(10f);
        assertThat(px.get(1, 2, 3)).isEqualTo(20f);
        assertThat(px.get(2, 1, 2)).isEqualTo(30f);
    }

    @Test
    void should_rescale_in_double_then_normalize_in_float32() {
        PixelValues px = new ImagePreprocessor(CLIP_336.withMode(ImageMode.CROP))
                .preprocess(RgbImage.filled(336, 336, 0, 128, 255));

        float g = (float) (128 * (1.0 / 255.0));
        assertThat(px.get(1, 100, 200)).isEqualTo((g - 0.4578275f) / 0.26130258f);
        assertThat(px.get(0, 0, 0)).isEqualTo((0f - 0.48145466f) / 0.26862954f);
        assertThat(px.get(2, 335, 335)).isEqualTo((1f - 0.40821073f) / 0.27577711f);
    }

    @Test
    void should_size_the_shortest_edge_like_transformers() {
        assertThat(ImagePreprocessor.shortestEdgeSize(640, 427, 336)).containsExactly(503, 336);
        assertThat(ImagePreprocessor.shortestEdgeSize(427, 640, 336)).containsExactly(336, 503);
        assertThat(ImagePreprocessor.shortestEdgeSize(37, 23, 28)).containsExactly(45, 28);
        assertThat(ImagePreprocessor.shortestEdgeSize(300, 300, 336)).containsExactly(336, 336);
        assertThat(ImagePreprocessor.shortestEdgeSize(19, 64, 336)).containsExactly(336, 1131);
    }

    @Test
    void should_center_crop_at_floor_offsets_and_zero_pad_small_images_at_ceil_offsets() {
        byte[] data = new byte[5 * 4 * 3];
        for (int i = 0; i < 20; i++) {
            data[i * 3] = (byte) i;     // red = pixel index y * 5 + x
        }
        RgbImage image = new RgbImage(5, 4, data);

        RgbImage cropped = ImagePreprocessor.centerCrop(image, 2, 3);
        RgbImage padded = ImagePreprocessor.centerCrop(image, 8, 3);

        // left = (5 - 2) // 2 = 1, top = (4 - 3) // 2 = 0
        assertThat(new int[] {cropped.get(0, 0, 0), cropped.get(1, 2, 0)}).containsExactly(1, 12);
        // width 5 -> 8: image starts at ceil(3 / 2) = 2; height 4 -> 3 cropped from top 0
        assertThat(padded.get(1, 0, 0)).isZero();
        assertThat(padded.get(3, 0, 0)).isEqualTo(1);
        assertThat(padded.get(3, 1, 0)).isEqualTo(6);
        assertThat(padded.get(6, 2, 0)).isEqualTo(14);
        assertThat(padded.get(7, 2, 0)).isZero();
    }

    @Test
    void should_handle_odd_sizes_in_both_modes() {
        RgbImage odd = RgbImage.filled(37, 23, 200, 100, 50);
        for (ImageMode mode : ImageMode.values()) {
            PixelValues px = new ImagePreprocessor(PreprocessorConfig.clipDefaults(28).withMode(mode)).preprocess(odd);
            assertThat(px.shape()).as(mode.name()).containsExactly(3, 28, 28);
            assertThat(px.chw()).as(mode.name()).doesNotContain(Float.NaN);
        }
    }

    @Test
    void should_key_the_preprocessing_by_config_and_loader_options() {
        ImagePreprocessor pad = new ImagePreprocessor(CLIP_336);
        ImagePreprocessor same = new ImagePreprocessor(PreprocessorConfig.clipDefaults(336));
        ImagePreprocessor crop = new ImagePreprocessor(CLIP_336.withMode(ImageMode.CROP));
        ImagePreprocessor noExif = new ImagePreprocessor(CLIP_336,
                new ImageLoader(ImageLoader.Options.llavaReference()));
        PreprocessorConfig otherMean = new PreprocessorConfig(ImageMode.PAD, true, 336,
                PreprocessorConfig.PIL_BICUBIC, true, 336, 336, true, 1.0 / 255, true, List.of(0.5, 0.5, 0.5),
                CLIP_336.std());

        assertThat(pad.preprocessingKey()).isEqualTo(same.preprocessingKey()).startsWith("pad-336x336-").hasSize(24);
        assertThat(pad.preprocessingKey()).isNotEqualTo(crop.preprocessingKey())
                .isNotEqualTo(noExif.preprocessingKey())
                .isNotEqualTo(new ImagePreprocessor(otherMean).preprocessingKey());
        // pinned: changing it silently would let an image cache serve embeddings of another pipeline
        assertThat(pad.preprocessingKey()).isEqualTo(PINNED_DEFAULT_KEY);
        assertThat(pad.preprocess(RgbImage.filled(4, 3, 1, 2, 3)).preprocessingKey())
                .isEqualTo(pad.preprocessingKey());
    }

    private static final String PINNED_DEFAULT_KEY = "pad-336x336-b40b301e7f94";
}
