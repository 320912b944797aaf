package io.github.llava4j.miniature.world;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Scores a free-form description against a scene's annotation. A mention is a shape word (singular, plural or
 * synonym) with a colour word among the {@value #WINDOW} words before it, not across punctuation, another shape or
 * "and"/"or"/"with" ("two small red circles" mentions "red circle"). Precision = mentioned categories in the scene /
 * mentioned; recall = scene categories mentioned / scene categories; F1 their harmonic mean.
 */
public final class DescriptionScorer {

    static final int WINDOW = 3;
    private static final String BOUNDARY = "|";
    private static final Set<String> STOP_WORDS = Set.of(BOUNDARY, "and", "or", "with");

    private final Map<String, Shape> shapeWords = new HashMap<>();
    private final Set<String> colourWords;

    public DescriptionScorer(WorldConfig config) {
        for (Shape shape : config.shapes()) {
            shapeWords.put(shape.label(), shape);
            shapeWords.put(shape.plural(), shape);
            shape.synonyms().forEach(s -> shapeWords.put(s, shape));
        }
        colourWords = config.colours().stream().map(Colour::name).collect(Collectors.toSet());
    }

    /** The {@code "<colour> <shape>"} categories {@code description} mentions. */
    public Set<String> mentions(String description) {
        List<String> tokens = tokenize(description);
        Set<String> found = new TreeSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Shape shape = shapeWords.get(tokens.get(i));
            if (shape == null) {
                continue;
            }
            for (int j = i - 1; j >= Math.max(0, i - WINDOW); j--) {
                String t = tokens.get(j);
                if (colourWords.contains(t)) {
                    found.add(t + " " + shape.label());
                    break;
                }
                if (STOP_WORDS.contains(t) || shapeWords.containsKey(t)) {
                    break;
                }
            }
        }
        return found;
    }

    /** Precision, recall and F1 of {@code description} against {@code scene}'s categories. */
    public DescriptionScore score(String description, Scene scene) {
        Set<String> expected = scene.objects().stream().map(SceneObject::category).collect(Collectors.toSet());
        Set<String> mentioned = mentions(description);
        long hits = mentioned.stream().filter(expected::contains).count();
        double precision = mentioned.isEmpty() ? 1 : (double) hits / mentioned.size();
        double recall = (double) hits / expected.size();
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new DescriptionScore(expected, mentioned, precision, recall, f1);
    }

    // words, with punctuation kept as a boundary token so a colour never jumps a comma or full stop
    private static List<String> tokenize(String text) {
        String spaced = text.toLowerCase(Locale.ROOT)
                .replace("grey", "gray")
                .replace("'", "")
                .replaceAll("[^a-z0-9\\s]+", " " + BOUNDARY + " ");
        return List.of(spaced.trim().split("\\s+"));
    }
}
