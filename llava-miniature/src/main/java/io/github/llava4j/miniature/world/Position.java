package io.github.llava4j.miniature.world;

/**
 * Where an object is, by its box centre on a 3x3 grid of the image: columns left / center / right and rows top /
 * middle / bottom split at thirds. The nine cells are named "top left", "top", "top right", "left", "center",
 * "right", "bottom left", "bottom", "bottom right" (a middle row or column drops its word).
 */
public enum Position {
    TOP_LEFT("top left", "in the top left"),
    TOP("top", "at the top"),
    TOP_RIGHT("top right", "in the top right"),
    LEFT("left", "on the left"),
    CENTER("center", "in the center"),
    RIGHT("right", "on the right"),
    BOTTOM_LEFT("bottom left", "in the bottom left"),
    BOTTOM("bottom", "at the bottom"),
    BOTTOM_RIGHT("bottom right", "in the bottom right");

    private final String label;
    private final String phrase;

    Position(String label, String phrase) {
        this.label = label;
        this.phrase = phrase;
    }

    /** The answer word(s), e.g. {@code "top left"}. */
    public String label() {
        return label;
    }

    /** The caption phrase, e.g. {@code "in the top left"}. */
    public String phrase() {
        return phrase;
    }

    /** The cell of the box centre. */
    public static Position of(PixelBox box, int imageSize) {
        int column = third(box.centreX(), imageSize);
        int row = third(box.centreY(), imageSize);
        return values()[row * 3 + column];
    }

    /**
     * Whether the box centre is at least {@code tolerance * imageSize} away from every third line, so that a human
     * (or a 64 px model) can tell the cell without measuring.
     */
    public static boolean isClear(PixelBox box, int imageSize, double tolerance) {
        return clear(box.centreX(), imageSize, tolerance) && clear(box.centreY(), imageSize, tolerance);
    }

    private static int third(double coordinate, int imageSize) {
        return Math.min(2, (int) Math.floor(coordinate * 3 / imageSize));
    }

    private static boolean clear(double coordinate, int imageSize, double tolerance) {
        double margin = tolerance * imageSize;
        return Math.abs(coordinate - imageSize / 3.0) >= margin && Math.abs(coordinate - 2 * imageSize / 3.0) >= margin;
    }
}
