package io.github.llava4j.miniature.world;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How well a free-form description names a scene's objects, as sets of {@code "<colour> <shape>"} categories.
 * Precision is 1 when nothing was mentioned (nothing hallucinated); recall and F1 are then 0.
 */
public record DescriptionScore(Set<String> expected, Set<String> mentioned, double precision, double recall,
        double f1) {

    public DescriptionScore {
        expected = Set.copyOf(expected);
        mentioned = Set.copyOf(mentioned);
    }

    /** Mentioned categories that are not in the scene. */
    public Set<String> hallucinated() {
        Set<String> extra = new TreeSet<>(mentioned);
        extra.removeAll(expected);
        return extra;
    }

    /** Scene categories the description misses. */
    public Set<String> missed() {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(mentioned);
        return missing;
    }

    /** Mean precision, recall and F1 over {@code count} descriptions. */
    public record Mean(int count, double precision, double recall, double f1) {}

    /** The macro average of {@code scores}. */
    public static Mean mean(List<DescriptionScore> scores) {
        if (scores.isEmpty()) {
            return new Mean(0, 0, 0, 0);
        }
        double p = scores.stream().mapToDouble(DescriptionScore::precision).average().orElseThrow();
        double r = scores.stream().mapToDouble(DescriptionScore::recall).average().orElseThrow();
        double f = scores.stream().mapToDouble(DescriptionScore::f1).average().orElseThrow();
        return new Mean(scores.size(), p, r, f);
    }
}
