package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    private static final double NEAR = 30;
    private final SceneRenderer renderer = new SceneRenderer();

    @Test
    void should_paint_each_object_in_its_own_colour_inside_its_box() {
        for (Scene scene : new SceneGenerator(WorldConfig.defaults(), 11).scenes(0, 300)) {
            BufferedImage image = renderer.render(scene);
            assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            for (SceneObject o : scene.objects()) {
                PixelBox b = o.box();
                int centre = image.getRGB((int) b.centreX(), (int) b.centreY());
                assertThat(o.colour().distance(centre)).as("scene %d centre of %s", scene.id(), o).isLessThan(NEAR);
                int near = 0;
                for (int y = b.y(); y < b.bottom(); y++) {
                    for (int x = b.x(); x < b.right(); x++) {
                        near += o.colour().distance(image.getRGB(x, y)) < NEAR ? 1 : 0;
                    }
                }
                assertThat((double) near / b.area()).as("scene %d fill of %s", scene.id(), o).isGreaterThan(0.3);
            }
        }
    }

    @Test
    void should_leave_only_background_outside_the_boxes() {
        for (Scene scene : new SceneGenerator(WorldConfig.defaults(), 12).scenes(0, 200)) {
            BufferedImage image = renderer.render(scene);
            Background bg = scene.background();
            double allowed = bg.amplitude() * Math.sqrt(3) + 1;
            for (int y = 0; y < scene.imageSize(); y++) {
                for (int x = 0; x < scene.imageSize(); x++) {
                    int px = x;
                    int py = y;
                    if (scene.objects().stream().noneMatch(o -> o.box().contains(px, py, 1))) {
                        assertThat(bg.colour().distance(image.getRGB(x, y)))
                                .as("scene %d pixel (%d, %d)", scene.id(), x, y)
                                .isLessThanOrEqualTo(allowed);
                    }
                }
            }
        }
    }

    @Test
    void should_draw_each_shape_with_its_own_fill_fraction() {
        // fraction of a 40 px box covered: square 1, circle pi/4, cross 5/9, triangle and diamond 1/2, star ~0.41
        List<Object[]> expected = List.of(
                new Object[] {Shape.SQUARE, 1.0}, new Object[] {Shape.CIRCLE, Math.PI / 4},
                new Object[] {Shape.CROSS, 5 / 9.0}, new Object[] {Shape.TRIANGLE, 0.5},
                new Object[] {Shape.DIAMOND, 0.5}, new Object[] {Shape.STAR, 0.41});
        for (Object[] e : expected) {
            Shape shape = (Shape) e[0];
            SceneObject o = new SceneObject(shape, Colour.RED, Size.LARGE, new PixelBox(12, 12, 40, 40), 64);
            Scene scene = new Scene(0, 64, List.of(o), new Background(Colour.GRAY, Texture.PLAIN, 0, 0));
            BufferedImage image = renderer.render(scene);
            double covered = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    // antialiased edge pixels count by how far they moved from gray towards red
                    double d = Colour.GRAY.distance(image.getRGB(x, y));
                    covered += d / Colour.GRAY.distance(Colour.RED);
                }
            }
            assertThat(covered / (40 * 40)).as("fill fraction of %s", shape).isCloseTo((double) e[1], offset(0.03));
        }
    }

    @Test
    void should_encode_png_that_decodes_to_the_same_pixels() throws IOException {
        Scene scene = new SceneGenerator(WorldConfig.defaults(), 13).scene(0);
        BufferedImage image = renderer.render(scene);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(renderer.png(scene)));

        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertThat(decoded.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
            }
        }
    }

    @Test
    void should_texture_noise_and_gradient_backgrounds_within_the_amplitude() {
        SceneObject tiny = new SceneObject(Shape.SQUARE, Colour.RED, Size.SMALL, new PixelBox(1, 1, 2, 2), 32);
        for (Texture texture : Texture.values()) {
            Scene scene = new Scene(0, 32, List.of(tiny), new Background(Colour.GRAY, texture, 8, 99));
            BufferedImage image = renderer.render(scene);
            int min = 255;
            int max = 0;
            for (int y = 8; y < 32; y++) {
                for (int x = 8; x < 32; x++) {
                    int red = (image.getRGB(x, y) >> 16) & 0xFF;
                    min = Math.min(min, red);
                    max = Math.max(max, red);
                }
            }
            assertThat(min).as("%s min", texture).isGreaterThanOrEqualTo(120);
            assertThat(max).as("%s max", texture).isLessThanOrEqualTo(136);
            if (texture == Texture.PLAIN) {
                assertThat(max - min).as("%s spread", texture).isZero();
            } else {
                assertThat(max - min).as("%s spread", texture).isGreaterThan(8);
            }
        }
    }
}
