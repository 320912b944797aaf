package io.github.llava4j.miniature.world;

import java.util.List;

/**
 * A named colour with a fixed RGB value. The defaults are far apart in RGB (at least 70 apart, see
 * {@link #distance}) so they stay distinct after antialiasing, and the background colours are far from all of them.
 */
public record Colour(String name, int red, int green, int blue) {

    public static final Colour RED = new Colour("red", 220, 40, 40);
    public static final Colour GREEN = new Colour("green", 40, 170, 60);
    public static final Colour BLUE = new Colour("blue", 40, 80, 220);
    public static final Colour YELLOW = new Colour("yellow", 240, 210, 40);
    public static final Colour PURPLE = new Colour("purple", 140, 60, 180);
    public static final Colour ORANGE = new Colour("orange", 245, 140, 30);
    public static final Colour WHITE = new Colour("white", 245, 245, 245);
    public static final Colour BLACK = new Colour("black", 20, 20, 20);

    public static final Colour GRAY = new Colour("gray", 128, 128, 128);
    public static final Colour BEIGE = new Colour("beige", 205, 195, 165);
    public static final Colour DARK_GRAY = new Colour("dark gray", 64, 64, 64);

    /** The object colours of the default world. */
    public static final List<Colour> OBJECT_COLOURS = List.of(RED, GREEN, BLUE, YELLOW, PURPLE, ORANGE, WHITE, BLACK);

    /** The background colours of the default world. */
    public static final List<Colour> BACKGROUND_COLOURS = List.of(GRAY, BEIGE, DARK_GRAY);

    public Colour {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("colour name must not be blank");
        }
        checkChannel("red", red);
        checkChannel("green", green);
        checkChannel("blue", blue);
    }

    private static void checkChannel(String channel, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("colour channel " + channel + " must be in [0, 255], got " + value);
        }
    }

    /** Packed {@code 0xRRGGBB}, as {@link java.awt.image.BufferedImage#TYPE_INT_RGB} stores it. */
    public int rgb() {
        return (red << 16) | (green << 8) | blue;
    }

    /** Euclidean distance in RGB to the packed pixel {@code rgb}. */
    public double distance(int rgb) {
        int dr = red - ((rgb >> 16) & 0xFF);
        int dg = green - ((rgb >> 8) & 0xFF);
        int db = blue - (rgb & 0xFF);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** Euclidean distance in RGB to {@code other}. */
    public double distance(Colour other) {
        return distance(other.rgb());
    }
}
