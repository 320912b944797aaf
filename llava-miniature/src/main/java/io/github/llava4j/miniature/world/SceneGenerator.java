package io.github.llava4j.miniature.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Draws scenes: scene {@code i} depends only on {@code (config, seed, i)}, so splits are index ranges and any scene
 * can be regenerated alone. Objects are placed by rejection sampling with at least {@link WorldConfig#margin()}
 * free pixels between boxes and to the image border; a layout that does not fit is redrawn, after
 * {@value #LARGE_ATTEMPTS} tries with small objects only.
 *
 * <p>On a grid ({@link WorldConfig#grid()} {@code g > 0}) an object fills a block of whole cells less the margin:
 * its side is {@link #gridSide} for its size class and its box starts half a margin into the block, so the boxes keep
 * {@code margin} pixels between each other and half of it to the border. Why: the stand-in CLIP is a ViT with
 * {@code g}-pixel patches, and off the grid the same shape gives different patches at each of the {@code g²}
 * sub-patch offsets; a tower that small, trained for minutes, does not learn that invariance (measured in
 * docs/miniature.md, "How it got here, measured").
 */
public final class SceneGenerator {

    static final int LARGE_ATTEMPTS = 30;
    private static final int LAYOUT_ATTEMPTS = 60;
    private static final int PLACEMENT_TRIES = 100;
    private static final long PURPOSE_SCENE = 1;

    private final WorldConfig config;
    private final long seed;

    public SceneGenerator(WorldConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.seed = seed;
    }

    public WorldConfig config() {
        return config;
    }

    public long seed() {
        return seed;
    }

    /** Scene number {@code index} (its id is {@code index}). */
    public Scene scene(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("scene index must be >= 0, got " + index);
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, index, PURPOSE_SCENE));
        int count = random.nextInt(config.minObjects(), config.maxObjects() + 1);
        Background background = new Background(
                pick(random, config.backgrounds()), pick(random, config.textures()), config.textureAmplitude(),
                random.nextLong());
        for (int attempt = 0; attempt < LAYOUT_ATTEMPTS; attempt++) {
            List<SceneObject> objects = layout(random, count, attempt >= LARGE_ATTEMPTS);
            if (objects != null) {
                return new Scene(index, config.imageSize(), objects, background);
            }
        }
        throw new IllegalStateException("scene " + index + ": could not place " + count + " objects in "
                + config.imageSize() + " px with margin " + config.margin() + " after " + LAYOUT_ATTEMPTS
                + " layouts; lower maxObjects or raise imageSize");
    }

    /** Scenes {@code first .. first+count-1}. */
    public List<Scene> scenes(long first, int count) {
        return stream(first, count).toList();
    }

    /** Scenes {@code first .. first+count-1}, generated lazily. */
    public Stream<Scene> stream(long first, long count) {
        return LongStream.range(first, first + count).mapToObj(this::scene);
    }

    private List<SceneObject> layout(SplittableRandom random, int count, boolean smallOnly) {
        int size = config.imageSize();
        List<SceneObject> placed = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            Shape shape = pick(random, config.shapes());
            Colour colour = pick(random, config.colours());
            Size objectSize = smallOnly || random.nextBoolean() ? Size.SMALL : Size.LARGE;
            double fraction = objectSize.minFraction()
                    + random.nextDouble() * (objectSize.maxFraction() - objectSize.minFraction());
            int side = config.grid() > 0
                    ? gridSide(objectSize, size, config.grid(), config.margin())
                    : Math.max(3, (int) Math.round(fraction * size));
            PixelBox box = config.grid() > 0 ? placeOnGrid(random, side, placed) : place(random, side, placed);
            if (box == null) {
                return null;
            }
            placed.add(new SceneObject(shape, colour, objectSize, box, size));
        }
        return placed;
    }

    private PixelBox place(SplittableRandom random, int side, List<SceneObject> placed) {
        int margin = config.margin();
        int maxStart = config.imageSize() - margin - side;
        if (maxStart < margin) {
            return null;
        }
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            PixelBox box = new PixelBox(
                    random.nextInt(margin, maxStart + 1), random.nextInt(margin, maxStart + 1), side, side);
            if (placed.stream().allMatch(o -> o.box().separatedFrom(box, margin))) {
                return box;
            }
        }
        return null;
    }

    private PixelBox placeOnGrid(SplittableRandom random, int side, List<SceneObject> placed) {
        int grid = config.grid();
        int offset = config.margin() / 2;
        int blocks = (config.imageSize() - (side + config.margin())) / grid + 1; // block starts that stay inside
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            PixelBox box = new PixelBox(random.nextInt(blocks) * grid + offset, random.nextInt(blocks) * grid + offset,
                    side, side);
            if (placed.stream().allMatch(o -> o.box().separatedFrom(box, config.margin()))) {
                return box;
            }
        }
        return null;
    }

    /**
     * An object's side on a grid of {@code grid}-pixel cells: the fewest whole cells that hold the size class's
     * smallest object plus the margin, less the margin.
     *
     * @throws IllegalArgumentException if that side exceeds the class's largest fraction of the image
     */
    public static int gridSide(Size objectSize, int imageSize, int grid, int margin) {
        int cells = (int) Math.ceil((objectSize.minFraction() * imageSize + margin) / grid);
        int side = cells * grid - margin;
        if (side > objectSize.maxFraction() * imageSize) {
            throw new IllegalArgumentException(String.format(
                    "a grid of %d px cannot hold %s objects (%.0f-%.0f px of %d with margin %d); use a finer grid or 0",
                    grid, objectSize, objectSize.minFraction() * imageSize, objectSize.maxFraction() * imageSize,
                    imageSize, margin));
        }
        return side;
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
