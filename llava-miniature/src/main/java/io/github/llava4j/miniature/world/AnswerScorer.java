package io.github.llava4j.miniature.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Grades a model's short answer against the exact answer. Both are normalised: lower case, apostrophes dropped,
 * other punctuation to spaces, articles (a, an, the) removed, number words to digits ("two" -> "2", "none" -> "0"),
 * "grey" -> "gray", "centre"/"middle" -> "center", and leading fillers such as "it is", "there are", "the answer is"
 * stripped. The answer is correct when the prediction starts with the answer's words and does not go on into a
 * longer answer (so "top left" is wrong for "top", "Yes, it is." is right for "yes").
 */
public final class AnswerScorer {

    private static final List<List<String>> FILLERS = List.of(
            List.of("answer", "is"), List.of("answer"), List.of("it", "is"), List.of("its"), List.of("there", "are"),
            List.of("there", "is"), List.of("theres"), List.of("i", "see"), List.of("i", "count"));

    /** Answers that start with a shorter answer: the longer one must not count for the shorter. */
    private static final List<List<String>> LONG_ANSWERS = Arrays.stream(Position.values())
            .map(p -> List.of(p.label().split(" ")))
            .filter(words -> words.size() > 1)
            .toList();

    /** The normalised words of {@code text}. */
    public static List<String> normalize(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replace("'", "").replace("\u2019", "").replaceAll("[^a-z0-9]+", " ");
        List<String> words = new ArrayList<>();
        for (String word : cleaned.trim().split(" ")) {
            if (word.isEmpty() || word.equals("a") || word.equals("an") || word.equals("the")) {
                continue;
            }
            words.add(canonical(word));
        }
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (List<String> filler : FILLERS) {
                if (startsWith(words, filler) && words.size() > filler.size()) {
                    words = new ArrayList<>(words.subList(filler.size(), words.size()));
                    stripped = true;
                }
            }
        }
        return words;
    }

    /** Whether {@code prediction} gives {@code answer}. */
    public boolean isCorrect(String prediction, String answer) {
        List<String> p = normalize(prediction);
        List<String> a = normalize(answer);
        if (a.isEmpty() || !startsWith(p, a)) {
            return false;
        }
        for (List<String> longer : LONG_ANSWERS) {
            if (longer.size() > a.size() && startsWith(longer, a) && startsWith(p, longer)) {
                return false;
            }
        }
        return true;
    }

    /** Accuracy per type and overall; {@code predictions.get(i)} answers {@code questions.get(i)}. */
    public AccuracyReport score(List<EvalQuestion> questions, List<String> predictions) {
        requireOnePerQuestion(questions, predictions);
        Map<QuestionType, Accuracy> perType = new EnumMap<>(QuestionType.class);
        Accuracy overall = new Accuracy(0, 0);
        for (int i = 0; i < questions.size(); i++) {
            EvalQuestion q = questions.get(i);
            boolean correct = isCorrect(predictions.get(i), q.answer());
            perType.merge(q.type(), new Accuracy(0, 0).plus(correct),
                    (x, y) -> new Accuracy(x.correct() + y.correct(), x.total() + y.total()));
            overall = overall.plus(correct);
        }
        return new AccuracyReport(perType, overall);
    }

    /**
     * {@link #score} of each group of questions, grouped by {@code key} (e.g. the number of objects in the question's
     * scene), in the key's natural order.
     */
    public <K extends Comparable<K>> SortedMap<K, AccuracyReport> scoreBy(List<EvalQuestion> questions,
            List<String> predictions, Function<EvalQuestion, K> key) {
        requireOnePerQuestion(questions, predictions);
        Map<K, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < questions.size(); i++) {
            groups.computeIfAbsent(key.apply(questions.get(i)), k -> new ArrayList<>()).add(i);
        }
        SortedMap<K, AccuracyReport> out = new TreeMap<>();
        groups.forEach((k, indices) -> out.put(k, score(indices.stream().map(questions::get).toList(),
                indices.stream().map(predictions::get).toList())));
        return out;
    }

    private static void requireOnePerQuestion(List<EvalQuestion> questions, List<String> predictions) {
        if (questions.size() != predictions.size()) {
            throw new IllegalArgumentException(
                    "need one prediction per question, got " + predictions.size() + " for " + questions.size());
        }
    }

    private static String canonical(String word) {
        int number = Words.NUMBERS.indexOf(word);
        if (number >= 0) {
            return Integer.toString(number);
        }
        return switch (word) {
            case "none" -> "0";
            case "grey" -> "gray";
            case "centre", "middle" -> "center";
            default -> word;
        };
    }

    private static boolean startsWith(List<String> words, List<String> prefix) {
        return words.size() >= prefix.size() && words.subList(0, prefix.size()).equals(prefix);
    }
}
