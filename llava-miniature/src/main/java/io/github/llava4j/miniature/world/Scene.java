package io.github.llava4j.miniature.world;

import java.util.List;
import java.util.Objects;

/** One image of the world: its id (the index it was generated from), size, objects and background. */
public record Scene(long id, int imageSize, List<SceneObject> objects, Background background) {

    public Scene {
        Objects.requireNonNull(background, "background");
        objects = List.copyOf(objects);
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("scene " + id + " has no objects");
        }
    }

    /** How many objects have {@code shape}. */
    public long count(Shape shape) {
        return objects.stream().filter(o -> o.shape() == shape).count();
    }

    /** How many objects have {@code colour}. */
    public long count(Colour colour) {
        return objects.stream().filter(o -> o.colour().equals(colour)).count();
    }

    /** How many objects have the category {@code "<colour> <shape>"}. */
    public long count(String category) {
        return objects.stream().filter(o -> o.category().equals(category)).count();
    }
}
