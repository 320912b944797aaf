package io.github.llava4j.miniature.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a split of the world as COCO does: {@code <dir>/images/<id:012d>.png}, {@code captions_<split>.json} and
 * {@code instances_<split>.json}. The image id is the scene id; category ids enumerate every
 * {@code (colour, shape)} of the config (colours outer, shapes inner, from 1), so all splits share them.
 * Questions for held-out splits go to {@code questions_<split>.json} via {@link #writeQuestions}.
 */
public final class WorldWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final WorldConfig config;
    private final SceneGenerator generator;
    private final Captioner captioner;
    private final SceneRenderer renderer = new SceneRenderer();

    /** Writes scenes of {@code new SceneGenerator(config, seed)} captioned by {@code new Captioner(config, seed)}. */
    public WorldWriter(WorldConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.generator = new SceneGenerator(config, seed);
        this.captioner = new Captioner(config, seed);
    }

    /** What {@link #write} produced. */
    public record Split(String name, Path dir, List<Scene> scenes, Path captionsFile, Path instancesFile) {}

    /** The image file name of scene {@code id}, COCO style: {@code 000000000042.png}. */
    public static String fileName(long id) {
        return String.format(Locale.ROOT, "%012d.png", id);
    }

    /** Every category of {@code config}: {@code "<colour> <shape>"}, supercategory the shape, ids from 1. */
    public static List<CocoJson.Category> categories(WorldConfig config) {
        List<CocoJson.Category> categories = new ArrayList<>();
        for (Colour colour : config.colours()) {
            for (Shape shape : config.shapes()) {
                categories.add(new CocoJson.Category(
                        categories.size() + 1, colour.name() + " " + shape.label(), shape.label()));
            }
        }
        return categories;
    }

    /** Generates scenes {@code first .. first+count-1} and writes them as split {@code name} into {@code dir}. */
    public Split write(Path dir, String name, long first, int count) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("split name must match [A-Za-z0-9_-]+, got '" + name + "'");
        }
        Path images = dir.resolve("images");
        List<Scene> scenes = generator.scenes(first, count);
        List<CocoJson.Image> imageEntries = new ArrayList<>();
        List<CocoJson.Caption> captions = new ArrayList<>();
        List<CocoJson.Instance> instances = new ArrayList<>();
        Map<String, Integer> categoryIds = new HashMap<>();
        List<CocoJson.Category> categories = categories(config);
        categories.forEach(c -> categoryIds.put(c.name(), c.id()));
        try {
            Files.createDirectories(images);
            for (Scene scene : scenes) {
                String file = fileName(scene.id());
                writeAtomically(images.resolve(file), renderer.png(scene));
                int size = scene.imageSize();
                imageEntries.add(new CocoJson.Image(scene.id(), file, size, size));
                for (String caption : captioner.captions(scene)) {
                    captions.add(new CocoJson.Caption(captions.size() + 1, scene.id(), caption));
                }
                for (SceneObject o : scene.objects()) {
                    instances.add(instance(instances.size() + 1, scene.id(), categoryIds.get(o.category()), o.box()));
                }
            }
            CocoJson.Info info = new CocoJson.Info(
                    "llava4j miniature world, split " + name + " (seed " + generator.seed() + ")", "1.0", 2026,
                    "llava4j", "");
            Path captionsFile = dir.resolve("captions_" + name + ".json");
            Path instancesFile = dir.resolve("instances_" + name + ".json");
            writeAtomically(captionsFile, JSON.writeValueAsBytes(
                    new CocoJson.CaptionsFile(info, List.of(), imageEntries, captions)));
            writeAtomically(instancesFile, JSON.writeValueAsBytes(
                    new CocoJson.InstancesFile(info, List.of(), imageEntries, instances, categories)));
            return new Split(name, dir, scenes, captionsFile, instancesFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write split '" + name + "' to " + dir, e);
        }
    }

    /** Writes {@code questions} as {@code <dir>/questions_<name>.json}, a JSON array of {@link EvalQuestion}. */
    public static Path writeQuestions(Path dir, String name, List<EvalQuestion> questions) {
        Path file = dir.resolve("questions_" + name + ".json");
        try {
            Files.createDirectories(dir);
            writeAtomically(file, JSON.writeValueAsBytes(questions));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    private static CocoJson.Instance instance(long id, long imageId, int categoryId, PixelBox b) {
        double x1 = b.x();
        double y1 = b.y();
        double x2 = b.right();
        double y2 = b.bottom();
        return new CocoJson.Instance(id, imageId, categoryId, List.of(List.of(x1, y1, x2, y1, x2, y2, x1, y2)),
                b.area(), List.of(x1, y1, (double) b.width(), (double) b.height()), 0);
    }

    // a crash never leaves a half-written file under the final name
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
