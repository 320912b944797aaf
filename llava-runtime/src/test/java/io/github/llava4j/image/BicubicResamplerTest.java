package io.github.llava4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BicubicResamplerTest {

    @Test
    void should_follow_the_keys_cubic_kernel_with_a_minus_one_half() {
        assertThat(BicubicResampler.cubic(0)).isEqualTo(1.0);
        assertThat(BicubicResampler.cubic(1)).isEqualTo(0.0);
        assertThat(BicubicResampler.cubic(0.5)).isEqualTo(0.5625);
        assertThat(BicubicResampler.cubic(-1.5)).isEqualTo(-0.0625);
        assertThat(BicubicResampler.cubic(2)).isEqualTo(0.0);
    }

    @Test
    void should_stretch_the_kernel_when_downscaling_and_normalise_each_output_pixel() {
        BicubicResampler.Coefficients down = BicubicResampler.coefficients(1000, 100);
        BicubicResampler.Coefficients up = BicubicResampler.coefficients(10, 100);

        // support 2 * (1000 / 100) = 20 -> ceil * 2 + 1 taps
        assertThat(down.ksize()).isEqualTo(41);
        assertThat(up.ksize()).isEqualTo(5);
        for (BicubicResampler.Coefficients c : new BicubicResampler.Coefficients[] {down, up}) {
            for (int i = 0; i < c.start().length; i++) {
                long sum = 0;
                for (int k = 0; k < c.count()[i]; k++) {
                    sum += c.weights()[i * c.ksize() + k];
                }
                assertThat(sum).as("fixed-point weights of output " + i).isCloseTo(1L << 22,
                        org.assertj.core.data.Offset.offset((long) c.ksize()));
            }
        }
        assertThat(down.start()[0]).isZero();
        assertThat(down.start()[99] + down.count()[99]).isEqualTo(1000);
    }

    @Test
    void should_return_the_same_image_when_the_size_is_unchanged() {
        RgbImage image = RgbImage.filled(7, 5, 1, 2, 3);

        assertThat(BicubicResampler.resize(image, 7, 5)).isSameAs(image);
    }

    @Test
    void should_keep_constant_columns_exact_when_only_the_height_changes() {
        byte[] data = new byte[6 * 9 * 3];
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 6; x++) {
                for (int c = 0; c < 3; c++) {
                    data[(y * 6 + x) * 3 + c] = (byte) (x * 50 + c);
                }
            }
        }

        RgbImage out = BicubicResampler.resize(new RgbImage(6, 9, data), 6, 4);

        assertThat(out.width()).isEqualTo(6);
        assertThat(out.height()).isEqualTo(4);
        for (int x = 0; x < 6; x++) {
            assertThat(out.get(x, 3, 1)).isEqualTo(x * 50 + 1);
        }
    }

    @Test
    void should_reject_non_positive_sizes() {
        assertThatThrownBy(() -> BicubicResampler.resize(RgbImage.filled(2, 2, 0, 0, 0), 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x3");
    }
}
