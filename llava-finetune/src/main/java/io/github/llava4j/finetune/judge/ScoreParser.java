package io.github.llava4j.finetune.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two scores from a judge's reply. Like LLaVA's parser it looks only at the first line (the first non-blank
 * one here), and needs exactly two numbers there; it also tolerates commas, {@code 8/10}, {@code Assistant 1: 8},
 * markdown emphasis and surrounding words. Anything else (no line, one number, three numbers, scores outside 0..10) is
 * unparseable.
 */
public final class ScoreParser {
    private static final Pattern ASSISTANT = Pattern.compile("(?i)assistant\\s*[12]");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\d.])(\\d+(?:\\.\\d+)?)(\\s*/\\s*10(?![\\d.]))?");

    private ScoreParser() {}

    /** The reference's and the candidate's score, or empty when the first line does not hold exactly two. */
    public static Optional<Scores> parse(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String first = null;
        for (String line : reply.split("\\R")) {
            if (!line.isBlank()) {
                first = line;
                break;
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        String cleaned = ASSISTANT.matcher(first).replaceAll(" ");
        Matcher m = NUMBER.matcher(cleaned);
        List<Double> numbers = new ArrayList<>();
        while (m.find()) {
            numbers.add(Double.parseDouble(m.group(1)));
        }
        if (numbers.size() != 2 || numbers.stream().anyMatch(v -> v < 0 || v > 10)) {
            return Optional.empty();
        }
        return Optional.of(new Scores(numbers.get(0), numbers.get(1)));
    }

    /** Assistant 1's (the reference's) and Assistant 2's (the candidate's) score. */
    public record Scores(double reference, double candidate) {}
}
