package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Minimal edits of a scene, the hard negatives of its contrastive batch: the same scene with one object's shape
 * changed, or with the shapes of two objects swapped; colours, sizes, places and background stay.
 *
 * <p>Why: in a batch of random scenes the set of colours alone tells the captions apart, so a contrastive tower
 * learns colour and ignores shape (measured: linear probes read colour 99 % but shape 32 % from the patches under
 * each object; docs/miniature.md). Put an image beside its edits and only the shape words differ between their
 * captions; to match them the tower must see each object's shape, and, for swaps, which colour it goes with (the
 * "bag of words" failure of CLIP, Yuksekgonul et al. 2023, and its hard-negative cure). It helps only with objects
 * on the patch grid ({@code WorldConfig.grid}): off it, the loss of a group stayed at ln(group size).
 */
public final class HardNegatives {
    private final List<Shape> shapes;
    private final long seed;

    /** @param shapes the world's shapes, what an edited object may become (two or more) */
    public HardNegatives(List<Shape> shapes, long seed) {
        if (shapes.size() < 2) {
            throw new IllegalArgumentException("hard negatives change shapes: need two or more shapes, got " + shapes);
        }
        this.shapes = List.copyOf(shapes);
        this.seed = seed;
    }

    /**
     * {@code count} distinct edits of {@code scene}, each with the scene's id (so its captions use the same templates
     * as the scene's). Even-numbered edits change one object's shape; odd-numbered ones swap the shapes of two
     * objects that differ in shape and colour where the scene has them, else change a shape too. A function of the
     * seed and the scene.
     */
    public List<Scene> of(Scene scene, int count) {
        Random random = new Random(Seeds.mix(seed, scene.id()));
        Set<List<SceneObject>> seen = new LinkedHashSet<>();
        seen.add(scene.objects());
        List<Scene> edits = new ArrayList<>(count);
        List<int[]> swappable = swappablePairs(scene.objects());
        for (int attempt = 0; edits.size() < count; attempt++) {
            if (attempt > 100 * (count + 1)) {
                throw new IllegalStateException("scene " + scene.id() + ": could not find " + count
                        + " distinct edits among " + shapes.size() + " shapes");
            }
            List<SceneObject> objects = edits.size() % 2 == 1 && !swappable.isEmpty()
                    ? swapShapes(scene.objects(), swappable.get(random.nextInt(swappable.size())))
                    : changeOneShape(scene.objects(), random);
            if (seen.add(objects)) {
                edits.add(new Scene(scene.id(), scene.imageSize(), objects, scene.background()));
            }
        }
        return edits;
    }

    private List<SceneObject> changeOneShape(List<SceneObject> objects, Random random) {
        int which = random.nextInt(objects.size());
        SceneObject o = objects.get(which);
        Shape other;
        do {
            other = shapes.get(random.nextInt(shapes.size()));
        } while (other == o.shape());
        List<SceneObject> edited = new ArrayList<>(objects);
        edited.set(which, withShape(o, other));
        return edited;
    }

    /** Pairs whose swap changes what the captions say: different shapes and different colours. */
    private static List<int[]> swappablePairs(List<SceneObject> objects) {
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < objects.size(); a++) {
            for (int b = a + 1; b < objects.size(); b++) {
                if (objects.get(a).shape() != objects.get(b).shape()
                        && !objects.get(a).colour().equals(objects.get(b).colour())) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        return pairs;
    }

    private static List<SceneObject> swapShapes(List<SceneObject> objects, int[] pair) {
        List<SceneObject> edited = new ArrayList<>(objects);
        edited.set(pair[0], withShape(objects.get(pair[0]), objects.get(pair[1]).shape()));
        edited.set(pair[1], withShape(objects.get(pair[1]), objects.get(pair[0]).shape()));
        return edited;
    }

    private static SceneObject withShape(SceneObject o, Shape shape) {
        return new SceneObject(shape, o.colour(), o.size(), o.box(), o.imageSize());
    }
}
