package io.github.llava4j.miniature.world;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Asks questions with exact answers about a scene, only where the answer is unambiguous (see {@link QuestionType}).
 * Wording, the absent colour/shape of a "0" count and the direction of each relation are drawn from
 * {@code (seed, scene id)}.
 *
 * <p>Rules: POSITION needs the box centre at least {@value #POSITION_TOLERANCE} x image size away from the thirds
 * lines; RELATION needs at least {@code max(2, imageSize / 16)} free pixels between the two boxes along the asked
 * axis (left/right on x, above/below on y). Objects are referred to by category, so both need a category that
 * appears once in the scene.
 */
public final class QuestionGenerator {

    /** Fraction of the image size a box centre must keep from the thirds lines to get a POSITION question. */
    public static final double POSITION_TOLERANCE = 0.05;

    private static final long PURPOSE_QUESTIONS = 3;

    private final WorldConfig config;
    private final long seed;

    public QuestionGenerator(WorldConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.seed = seed;
    }

    /** Every question the rules allow for {@code scene}, grouped by type in enum order. */
    public List<EvalQuestion> all(Scene scene) {
        SplittableRandom random = random(scene);
        List<EvalQuestion> all = new ArrayList<>();
        candidates(scene, random).values().forEach(all::addAll);
        return all;
    }

    /** Up to {@code perType} questions of each type, picked at random among the allowed ones. */
    public List<EvalQuestion> sample(Scene scene, int perType) {
        SplittableRandom random = random(scene);
        List<EvalQuestion> picked = new ArrayList<>();
        for (List<EvalQuestion> ofType : candidates(scene, random).values()) {
            List<EvalQuestion> shuffled = new ArrayList<>(ofType);
            Seeds.shuffle(shuffled, random);
            picked.addAll(shuffled.subList(0, Math.min(perType, shuffled.size())));
        }
        return picked;
    }

    private SplittableRandom random(Scene scene) {
        return new SplittableRandom(Seeds.derive(seed, scene.id(), PURPOSE_QUESTIONS));
    }

    private Map<QuestionType, List<EvalQuestion>> candidates(Scene scene, SplittableRandom random) {
        Map<QuestionType, List<EvalQuestion>> byType = new EnumMap<>(QuestionType.class);
        for (QuestionType type : QuestionType.values()) {
            byType.put(type, new ArrayList<>());
        }
        long id = scene.id();
        for (SceneObject o : scene.objects()) {
            if (scene.count(o.shape()) == 1) {
                String q = pick(random, "What colour is the %s?", "What is the colour of the %s?",
                        "Which colour does the %s have?");
                byType.get(QuestionType.COLOUR).add(question(id, QuestionType.COLOUR,
                        q.formatted(o.shape().label()), o.colour().name()));
            }
            if (scene.count(o.colour()) == 1) {
                String q = pick(random, "What shape is the %s object?", "What is the shape of the %s object?",
                        "Which shape is %s?");
                byType.get(QuestionType.SHAPE).add(question(id, QuestionType.SHAPE,
                        q.formatted(o.colour().name()), o.shape().label()));
            }
        }
        counts(scene, random, byType.get(QuestionType.COUNT));
        List<SceneObject> unique = scene.objects().stream().filter(o -> scene.count(o.category()) == 1).toList();
        for (SceneObject o : unique) {
            if (Position.isClear(o.box(), scene.imageSize(), POSITION_TOLERANCE)) {
                String q = pick(random, "Where is the %s?", "Where is the %s in the image?",
                        "In which part of the image is the %s?");
                byType.get(QuestionType.POSITION).add(question(id, QuestionType.POSITION,
                        q.formatted(o.category()), o.position().label()));
            }
        }
        relations(scene, unique, random, byType.get(QuestionType.RELATION));
        return byType;
    }

    private void counts(Scene scene, SplittableRandom random, List<EvalQuestion> out) {
        long id = scene.id();
        int n = scene.objects().size();
        out.add(question(id, QuestionType.COUNT,
                pick(random, "How many shapes are there?", "How many objects are in the image?"), n));
        List<Colour> absentColours = new ArrayList<>();
        for (Colour colour : config.colours()) {
            long c = scene.count(colour);
            if (c > 0) {
                out.add(question(id, QuestionType.COUNT, "How many " + colour.name() + " shapes are there?", c));
            } else {
                absentColours.add(colour);
            }
        }
        List<Shape> absentShapes = new ArrayList<>();
        for (Shape shape : config.shapes()) {
            long c = scene.count(shape);
            if (c > 0) {
                out.add(question(id, QuestionType.COUNT, "How many " + shape.plural() + " are there?", c));
            } else {
                absentShapes.add(shape);
            }
        }
        // one absent colour and one absent shape: "0" answers catch a model that counts whatever it is asked
        if (!absentColours.isEmpty()) {
            Colour colour = absentColours.get(random.nextInt(absentColours.size()));
            out.add(question(id, QuestionType.COUNT, "How many " + colour.name() + " shapes are there?", 0));
        }
        if (!absentShapes.isEmpty()) {
            Shape shape = absentShapes.get(random.nextInt(absentShapes.size()));
            out.add(question(id, QuestionType.COUNT, "How many " + shape.plural() + " are there?", 0));
        }
    }

    private static void relations(Scene scene, List<SceneObject> unique, SplittableRandom random,
            List<EvalQuestion> out) {
        int gap = Math.max(2, scene.imageSize() / 16);
        for (int i = 0; i < unique.size(); i++) {
            for (int j = i + 1; j < unique.size(); j++) {
                // order the pair at random so "yes" and "no" are equally likely
                boolean swap = random.nextBoolean();
                SceneObject a = swap ? unique.get(j) : unique.get(i);
                SceneObject b = swap ? unique.get(i) : unique.get(j);
                Boolean aLeft = before(a.box().x(), a.box().right(), b.box().x(), b.box().right(), gap);
                if (aLeft != null) {
                    boolean askLeft = random.nextBoolean();
                    out.add(relation(scene.id(), a, askLeft ? "left of" : "right of", b, askLeft == aLeft));
                }
                Boolean aAbove = before(a.box().y(), a.box().bottom(), b.box().y(), b.box().bottom(), gap);
                if (aAbove != null) {
                    boolean askAbove = random.nextBoolean();
                    out.add(relation(scene.id(), a, askAbove ? "above" : "below", b, askAbove == aAbove));
                }
            }
        }
    }

    // true: interval a ends >= gap before b starts; false: the reverse; null: too close to call
    private static Boolean before(int aStart, int aEnd, int bStart, int bEnd, int gap) {
        if (aEnd + gap <= bStart) {
            return true;
        }
        if (bEnd + gap <= aStart) {
            return false;
        }
        return null;
    }

    private static EvalQuestion relation(long id, SceneObject a, String relation, SceneObject b, boolean yes) {
        return question(id, QuestionType.RELATION,
                "Is the " + a.category() + " " + relation + " the " + b.category() + "?", yes ? "yes" : "no");
    }

    private static EvalQuestion question(long id, QuestionType type, String question, long count) {
        return new EvalQuestion(id, type, question, Long.toString(count));
    }

    private static EvalQuestion question(long id, QuestionType type, String question, String answer) {
        return new EvalQuestion(id, type, question, answer);
    }

    private static String pick(SplittableRandom random, String... options) {
        return options[random.nextInt(options.length)];
    }
}
