package io.github.llava4j.miniature.world;

import java.util.List;
import java.util.Locale;

/** The kinds of shape a scene object can have; the label is the word used in captions, questions and answers. */
public enum Shape {
    CIRCLE("circles"),
    SQUARE("squares"),
    TRIANGLE("triangles"),
    DIAMOND("diamonds"),
    STAR("stars"),
    CROSS("crosses", "plus", "pluses");

    private final String plural;
    private final List<String> synonyms;

    Shape(String plural, String... synonyms) {
        this.plural = plural;
        this.synonyms = List.of(synonyms);
    }

    /** The singular word, e.g. {@code "circle"}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The plural word, e.g. {@code "crosses"}. */
    public String plural() {
        return plural;
    }

    /** Other words a free-form description may use for this shape (e.g. "plus" for a cross). */
    public List<String> synonyms() {
        return synonyms;
    }

    /** The shape whose label is {@code label} (case-insensitive). */
    public static Shape fromLabel(String label) {
        for (Shape shape : values()) {
            if (shape.label().equalsIgnoreCase(label.trim())) {
                return shape;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + label + "', expected one of " + List.of(values()));
    }
}
