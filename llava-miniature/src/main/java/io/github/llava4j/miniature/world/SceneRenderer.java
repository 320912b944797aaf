package io.github.llava4j.miniature.world;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Paints a {@link Scene} with Java2D: the textured background pixel by pixel, then each object filled with its flat
 * colour (antialiased) so that the shape's extent is exactly its annotated box. Stateless and thread-safe.
 */
public final class SceneRenderer {

    /** An RGB image of the scene. */
    public BufferedImage render(Scene scene) {
        int size = scene.imageSize();
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, size, size, background(scene.background(), size), 0, size);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (SceneObject object : scene.objects()) {
                Colour c = object.colour();
                g.setColor(new Color(c.red(), c.green(), c.blue()));
                g.fill(outline(object.shape(), object.box()));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** PNG bytes of the scene (deterministic: same scene, same bytes). */
    public byte[] png(Scene scene) {
        return png(render(scene));
    }

    /** PNG bytes of an image. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available in ImageIO");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode PNG", e);
        }
        return out.toByteArray();
    }

    private static int[] background(Background background, int size) {
        int amplitude = background.amplitude();
        int[] pixels = new int[size * size];
        SplittableRandom random = new SplittableRandom(background.textureSeed());
        int direction = random.nextInt(4);
        Colour base = background.colour();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int delta = switch (background.texture()) {
                    case PLAIN -> 0;
                    case NOISE -> random.nextInt(-amplitude, amplitude + 1);
                    case GRADIENT -> (int) Math.round((2 * ramp(direction, x, y, size) - 1) * amplitude);
                };
                pixels[y * size + x] = (clamp(base.red() + delta) << 16)
                        | (clamp(base.green() + delta) << 8)
                        | clamp(base.blue() + delta);
            }
        }
        return pixels;
    }

    // position along the gradient in [0, 1]: left-right, top-bottom or one of the diagonals
    private static double ramp(int direction, int x, int y, int size) {
        double span = size - 1;
        return switch (direction) {
            case 0 -> x / span;
            case 1 -> y / span;
            case 2 -> (x + y) / (2 * span);
            default -> (x + span - y) / (2 * span);
        };
    }

    private static int clamp(int channel) {
        return Math.max(0, Math.min(255, channel));
    }

    /** The filled outline of {@code shape}, scaled so that its bounds are exactly {@code box}. */
    static java.awt.Shape outline(Shape shape, PixelBox box) {
        double x = box.x();
        double y = box.y();
        double w = box.width();
        double h = box.height();
        return switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(x, y, w, h);
            case SQUARE -> new Rectangle2D.Double(x, y, w, h);
            default -> fitTo(unitPolygon(shape), x, y, w, h);
        };
    }

    private static Path2D unitPolygon(Shape shape) {
        double[] xy = switch (shape) {
            case TRIANGLE -> new double[] {0.5, 0, 1, 1, 0, 1};
            case DIAMOND -> new double[] {0.5, 0, 1, 0.5, 0.5, 1, 0, 0.5};
            case CROSS -> new double[] {1, 0, 2, 0, 2, 1, 3, 1, 3, 2, 2, 2, 2, 3, 1, 3, 1, 2, 0, 2, 0, 1, 1, 1};
            case STAR -> star(0.5);
            default -> throw new IllegalArgumentException("no polygon for " + shape);
        };
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        path.closePath();
        return path;
    }

    // five points up; a fat inner radius keeps the star recognisable at 10 px
    private static double[] star(double innerRatio) {
        double[] xy = new double[20];
        for (int i = 0; i < 10; i++) {
            double radius = i % 2 == 0 ? 1 : innerRatio;
            double angle = -Math.PI / 2 + i * Math.PI / 5;
            xy[2 * i] = radius * Math.cos(angle);
            xy[2 * i + 1] = radius * Math.sin(angle);
        }
        return xy;
    }

    private static java.awt.Shape fitTo(Path2D path, double x, double y, double w, double h) {
        Rectangle2D bounds = path.getBounds2D();
        AffineTransform t = new AffineTransform();
        t.translate(x, y);
        t.scale(w / bounds.getWidth(), h / bounds.getHeight());
        t.translate(-bounds.getX(), -bounds.getY());
        return t.createTransformedShape(path);
    }
}
