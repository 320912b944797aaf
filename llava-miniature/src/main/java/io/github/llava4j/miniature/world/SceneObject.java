package io.github.llava4j.miniature.world;

import java.util.Objects;

/** One shape in a scene: what it is and where (its tight bounding box; every object's box is square). */
public record SceneObject(Shape shape, Colour colour, Size size, PixelBox box, int imageSize) {

    public SceneObject {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(box, "box");
        if (box.right() > imageSize || box.bottom() > imageSize) {
            throw new IllegalArgumentException("object box " + box + " leaves the " + imageSize + " px image");
        }
    }

    /** The COCO category name, {@code "<colour> <shape>"}, e.g. {@code "red circle"}. */
    public String category() {
        return colour.name() + " " + shape.label();
    }

    /** The box as {@code [x1, y1, x2, y2]} in [0, 1]. */
    public NormalizedBox normalizedBox() {
        return box.normalized(imageSize);
    }

    /** Where the box centre lies on the 3x3 grid, see {@link Position}. */
    public Position position() {
        return Position.of(box, imageSize);
    }
}
