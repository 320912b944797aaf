package io.github.llava4j.miniature.world;

import java.util.Objects;

/**
 * A scene's background: base colour, texture, the texture's brightness swing per channel, and the seed of the
 * texture's own random numbers (so the noise of a scene is fixed by the scene, not by whoever renders it).
 */
public record Background(Colour colour, Texture texture, int amplitude, long textureSeed) {

    public Background {
        Objects.requireNonNull(colour, "background colour");
        Objects.requireNonNull(texture, "background texture");
        if (amplitude < 0) {
            throw new IllegalArgumentException("background amplitude must be >= 0, got " + amplitude);
        }
    }

    /** Caption wording, e.g. {@code "gray"} for plain or {@code "speckled gray"} / {@code "gray gradient"}. */
    public String describe() {
        return switch (texture) {
            case PLAIN -> colour.name();
            case NOISE -> "speckled " + colour.name();
            case GRADIENT -> colour.name() + " gradient";
        };
    }
}
