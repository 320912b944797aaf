package io.github.llava4j.miniature.world;

import java.util.List;

/** Hand-made scenes for tests. */
final class Fixtures {

    private Fixtures() {}

    static SceneObject object(Shape shape, Colour colour, Size size, int x, int y, int side) {
        return new SceneObject(shape, colour, size, new PixelBox(x, y, side, side), 64);
    }

    /** A small red circle top left and a large blue square bottom right, on plain gray. */
    static Scene redCircleBlueSquare() {
        return new Scene(7, 64, List.of(
                        object(Shape.CIRCLE, Colour.RED, Size.SMALL, 4, 4, 12),
                        object(Shape.SQUARE, Colour.BLUE, Size.LARGE, 38, 38, 22)),
                new Background(Colour.GRAY, Texture.PLAIN, 8, 0));
    }
}
