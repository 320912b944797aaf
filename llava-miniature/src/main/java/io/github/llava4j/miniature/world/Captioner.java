package io.github.llava4j.miniature.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's symbolic representation of a scene: captions in varied wording and the object boxes as
 * {@code "red circle: [x1, y1, x2, y2]"}. Wording and object order are drawn from {@code (seed, scene id)}, so the
 * same scene always gets the same captions.
 */
public final class Captioner {

    /** Number of caption templates; a scene gets {@code captionsPerImage} distinct ones. */
    public static final int TEMPLATES = 6;

    private static final long PURPOSE_CAPTIONS = 2;

    private final int captionsPerImage;
    private final long seed;

    public Captioner(int captionsPerImage, long seed) {
        if (captionsPerImage < 1 || captionsPerImage > TEMPLATES) {
            throw new IllegalArgumentException(
                    "captionsPerImage must be in [1, " + TEMPLATES + "], got " + captionsPerImage);
        }
        this.captionsPerImage = captionsPerImage;
        this.seed = seed;
    }

    public Captioner(WorldConfig config, long seed) {
        this(config.captionsPerImage(), seed);
    }

    /** {@code captionsPerImage} captions of {@code scene}, each from a different template. */
    public List<String> captions(Scene scene) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, scene.id(), PURPOSE_CAPTIONS));
        List<Integer> templates = new ArrayList<>();
        for (int t = 0; t < TEMPLATES; t++) {
            templates.add(t);
        }
        Seeds.shuffle(templates, random);
        List<String> captions = new ArrayList<>(captionsPerImage);
        for (int t : templates.subList(0, captionsPerImage)) {
            captions.add(caption(t, scene, random));
        }
        return captions;
    }

    /** All {@link #TEMPLATES} captions of {@code scene}, in template order. */
    public List<String> allCaptions(Scene scene) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, scene.id(), PURPOSE_CAPTIONS));
        List<String> captions = new ArrayList<>(TEMPLATES);
        for (int t = 0; t < TEMPLATES; t++) {
            captions.add(caption(t, scene, random));
        }
        return captions;
    }

    /** The boxes as the paper writes them, one line per object: {@code "red circle: [0.125, ...]"}. */
    public static List<String> boxes(Scene scene) {
        return scene.objects().stream().map(o -> o.category() + ": " + o.normalizedBox().format()).toList();
    }

    private static String caption(int template, Scene scene, SplittableRandom random) {
        List<SceneObject> objects = new ArrayList<>(scene.objects());
        Seeds.shuffle(objects, random);
        String list = Words.join(grouped(objects));
        int n = objects.size();
        String shapes = n == 1 ? "shape" : "shapes";
        String background = scene.background().colour().name() + " background";
        return switch (template) {
            case 0 -> Words.capitalize(list) + " on " + Words.article(background) + " " + background + ".";
            case 1 -> Words.capitalize(Words.number(n)) + " " + shapes + ": " + list + ".";
            case 2 -> "An image of " + list + ".";
            case 3 -> Words.capitalize(Words.join(objects.stream().map(Captioner::located).toList())) + ".";
            case 4 -> "There " + (n == 1 ? "is " : "are ") + Words.number(n) + " " + shapes + " on "
                    + Words.article(background) + " " + background + ": " + list + ".";
            case 5 -> {
                String textured = scene.background().describe() + " background";
                yield Words.capitalize(Words.article(textured)) + " " + textured + " with " + list + ".";
            }
            default -> throw new IllegalArgumentException("no caption template " + template);
        };
    }

    // identical categories are counted ("two red circles"); the size is kept when all of them share it
    private static List<String> grouped(List<SceneObject> objects) {
        Map<String, List<SceneObject>> byCategory = new LinkedHashMap<>();
        for (SceneObject o : objects) {
            byCategory.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o);
        }
        List<String> phrases = new ArrayList<>();
        for (List<SceneObject> group : byCategory.values()) {
            SceneObject first = group.get(0);
            boolean sameSize = group.stream().allMatch(o -> o.size() == first.size());
            String size = sameSize ? first.size().label() + " " : "";
            if (group.size() == 1) {
                String words = size + first.category();
                phrases.add(Words.article(words) + " " + words);
            } else {
                phrases.add(Words.number(group.size()) + " " + size + first.colour().name() + " "
                        + first.shape().plural());
            }
        }
        return phrases;
    }

    /** One object with its size and where it is, as captions name it: {@code "a small red circle in the top left"}. */
    public static String located(SceneObject o) {
        String words = o.size().label() + " " + o.category();
        return Words.article(words) + " " + words + " " + o.position().phrase();
    }
}
