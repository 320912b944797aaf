package io.github.llava4j.miniature.world;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the world may contain. Validated at construction: object colours must be mutually distinct and every
 * background (including its texture's brightness swing) must stay far from every object colour, so the annotations
 * can be checked against the pixels.
 *
 * @param imageSize square image side in pixels
 * @param minObjects fewest objects per scene (at least 1)
 * @param maxObjects most objects per scene (at most 9)
 * @param shapes shapes to draw from
 * @param colours object colours to draw from
 * @param backgrounds background base colours to draw from
 * @param textures background textures to draw from
 * @param textureAmplitude brightness swing of noise and gradient textures, per channel
 * @param margin free pixels between any two object boxes (and between a box and the image border, or half that on
 *     a grid)
 * @param grid 0 places objects anywhere; {@code g > 0} puts each object in a block of whole {@code g}-pixel cells
 *     (the vision tower's patch grid), one side per size class, so that an object's patches look the same wherever
 *     it is (see {@link SceneGenerator})
 * @param captionsPerImage captions written per image (at most {@link Captioner#TEMPLATES})
 */
public record WorldConfig(
        int imageSize,
        int minObjects,
        int maxObjects,
        List<Shape> shapes,
        List<Colour> colours,
        List<Colour> backgrounds,
        List<Texture> textures,
        int textureAmplitude,
        int margin,
        int grid,
        int captionsPerImage) {

    /** Smallest RGB distance allowed between two object colours. */
    public static final double MIN_COLOUR_DISTANCE = 60;

    /** Smallest RGB distance allowed between an object colour and a background before texture. */
    public static final double MIN_BACKGROUND_DISTANCE = 48;

    public WorldConfig {
        if (imageSize < 16) {
            throw new IllegalArgumentException("imageSize must be >= 16 px, got " + imageSize);
        }
        if (minObjects < 1 || maxObjects < minObjects || maxObjects > 9) {
            throw new IllegalArgumentException(
                    "need 1 <= minObjects <= maxObjects <= 9, got minObjects=" + minObjects + ", maxObjects="
                            + maxObjects);
        }
        shapes = nonEmptyDistinct("shapes", shapes);
        colours = nonEmptyDistinct("colours", colours);
        backgrounds = nonEmptyDistinct("backgrounds", backgrounds);
        textures = nonEmptyDistinct("textures", textures);
        if (textureAmplitude < 0 || textureAmplitude > 32) {
            throw new IllegalArgumentException("textureAmplitude must be in [0, 32], got " + textureAmplitude);
        }
        if (margin < 1) {
            throw new IllegalArgumentException("margin must be >= 1 px, got " + margin);
        }
        if (grid < 0 || (grid > 0 && imageSize % grid != 0)) {
            throw new IllegalArgumentException("grid must be 0 or divide imageSize " + imageSize + ", got " + grid);
        }
        if (grid > 0) {
            for (Size size : Size.values()) {
                SceneGenerator.gridSide(size, imageSize, grid, margin); // fails with a message if the class cannot fit
            }
        }
        if (captionsPerImage < 1 || captionsPerImage > Captioner.TEMPLATES) {
            throw new IllegalArgumentException(
                    "captionsPerImage must be in [1, " + Captioner.TEMPLATES + "], got " + captionsPerImage);
        }
        checkColourNames(colours, backgrounds);
        checkDistances(colours, backgrounds, textureAmplitude);
    }

    /** The default world: 64 px, 1-4 objects, all shapes, eight colours, three backgrounds, all textures. */
    public static WorldConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder()
                .imageSize(imageSize)
                .minObjects(minObjects)
                .maxObjects(maxObjects)
                .shapes(shapes)
                .colours(colours)
                .backgrounds(backgrounds)
                .textures(textures)
                .textureAmplitude(textureAmplitude)
                .margin(margin)
                .grid(grid)
                .captionsPerImage(captionsPerImage);
    }

    /** The object colour named {@code name}. */
    public Colour colour(String name) {
        return colours.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no object colour named '" + name + "' in " + colours));
    }

    private static <T> List<T> nonEmptyDistinct(String field, List<T> values) {
        Objects.requireNonNull(values, field);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (new HashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException(field + " must not repeat a value, got " + values);
        }
        return List.copyOf(values);
    }

    private static void checkColourNames(List<Colour> colours, List<Colour> backgrounds) {
        Set<String> names = new HashSet<>();
        for (Colour colour : colours) {
            if (!names.add(colour.name())) {
                throw new IllegalArgumentException("two object colours are named '" + colour.name() + "'");
            }
            if (!colour.name().matches("[a-z]+")) {
                throw new IllegalArgumentException(
                        "object colour names must be one lower-case word, got '" + colour.name() + "'");
            }
        }
        for (Colour background : backgrounds) {
            if (names.contains(background.name())) {
                throw new IllegalArgumentException(
                        "background '" + background.name() + "' has the name of an object colour");
            }
        }
    }

    private static void checkDistances(List<Colour> colours, List<Colour> backgrounds, int amplitude) {
        for (int i = 0; i < colours.size(); i++) {
            for (int j = i + 1; j < colours.size(); j++) {
                double d = colours.get(i).distance(colours.get(j));
                if (d < MIN_COLOUR_DISTANCE) {
                    throw new IllegalArgumentException(String.format(
                            "object colours %s and %s are %.1f apart in RGB, need >= %.0f",
                            colours.get(i).name(), colours.get(j).name(), d, MIN_COLOUR_DISTANCE));
                }
            }
        }
        // a texture moves every channel by up to the amplitude, i.e. up to amplitude * sqrt(3) in RGB
        double needed = MIN_BACKGROUND_DISTANCE + amplitude * Math.sqrt(3);
        for (Colour background : backgrounds) {
            for (Colour colour : colours) {
                double d = background.distance(colour);
                if (d < needed) {
                    throw new IllegalArgumentException(String.format(
                            "background %s and object colour %s are %.1f apart in RGB, need >= %.1f "
                                    + "(%.0f + textureAmplitude * sqrt 3)",
                            background.name(), colour.name(), d, needed, MIN_BACKGROUND_DISTANCE));
                }
            }
        }
    }

    /** Builder with the defaults of {@link #defaults()}. */
    public static final class Builder {
        private int imageSize = 64;
        private int minObjects = 1;
        private int maxObjects = 4;
        private List<Shape> shapes = List.of(Shape.values());
        private List<Colour> colours = Colour.OBJECT_COLOURS;
        private List<Colour> backgrounds = Colour.BACKGROUND_COLOURS;
        private List<Texture> textures = List.of(Texture.values());
        private int textureAmplitude = 8;
        private Integer margin;
        private int grid = 16;
        private int captionsPerImage = 5;

        private Builder() {}

        public Builder imageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        public Builder minObjects(int minObjects) {
            this.minObjects = minObjects;
            return this;
        }

        public Builder maxObjects(int maxObjects) {
            this.maxObjects = maxObjects;
            return this;
        }

        public Builder objects(int min, int max) {
            return minObjects(min).maxObjects(max);
        }

        public Builder shapes(List<Shape> shapes) {
            this.shapes = shapes;
            return this;
        }

        public Builder colours(List<Colour> colours) {
            this.colours = colours;
            return this;
        }

        public Builder backgrounds(List<Colour> backgrounds) {
            this.backgrounds = backgrounds;
            return this;
        }

        public Builder textures(List<Texture> textures) {
            this.textures = textures;
            return this;
        }

        public Builder textureAmplitude(int textureAmplitude) {
            this.textureAmplitude = textureAmplitude;
            return this;
        }

        /** Free pixels between boxes; defaults to {@code max(1, imageSize / 32)}. */
        public Builder margin(int margin) {
            this.margin = margin;
            return this;
        }

        /** 0 for free placement; otherwise the cell size objects are snapped to (default 8, the patch size). */
        public Builder grid(int grid) {
            this.grid = grid;
            return this;
        }

        public Builder captionsPerImage(int captionsPerImage) {
            this.captionsPerImage = captionsPerImage;
            return this;
        }

        public WorldConfig build() {
            int m = margin != null ? margin : Math.max(1, imageSize / 32);
            return new WorldConfig(imageSize, minObjects, maxObjects, shapes, colours, backgrounds, textures,
                    textureAmplitude, m, grid, captionsPerImage);
        }
    }
}
