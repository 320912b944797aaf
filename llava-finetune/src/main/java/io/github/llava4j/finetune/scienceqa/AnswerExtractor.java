package io.github.llava4j.finetune.scienceqa;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the chosen letter from a model's answer as LLaVA's ScienceQA evaluation does: the whole answer is a single
 * letter; or it starts with {@code "X. "}; or {@code The answer is X.} occurs exactly once (as in LLaVA's regular
 * expression, the final dot stands for any character; {@code (X)} is accepted too). Anything else has no answer
 * (counted wrong).
 */
public final class AnswerExtractor {
    private static final Pattern THE_ANSWER = Pattern.compile("The answer is \\(?([A-Z])\\)?.");

    private AnswerExtractor() {}

    /** The letter, for any letter A-Z. */
    public static Optional<String> extract(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String r = reply.strip();
        if (r.length() == 1 && Character.isUpperCase(r.charAt(0)) && r.charAt(0) <= 'Z') {
            return Optional.of(r);
        }
        if (r.length() >= 3 && r.charAt(0) >= 'A' && r.charAt(0) <= 'Z' && r.startsWith(". ", 1)) {
            return Optional.of(r.substring(0, 1));
        }
        Matcher m = THE_ANSWER.matcher(r);
        String found = null;
        int count = 0;
        while (m.find()) {
            found = m.group(1);
            count++;
        }
        return count == 1 ? Optional.of(found) : Optional.empty();
    }

    /** The chosen index among {@code choices} options, or -1 for no answer or a letter past the options. */
    public static int choiceIndex(String reply, int choices) {
        return extract(reply).map(l -> l.charAt(0) - 'A').filter(i -> i < choices).orElse(-1);
    }
}
