package io.github.llava4j.miniature.world;

import java.util.List;

/** English bits shared by captions, questions and the scorers. */
final class Words {

    static final List<String> NUMBERS =
            List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");

    private Words() {}

    /** {@code 2 -> "two"} up to ten, digits beyond. */
    static String number(long n) {
        return n >= 0 && n < NUMBERS.size() ? NUMBERS.get((int) n) : Long.toString(n);
    }

    /** "a" or "an" for the word that follows. */
    static String article(String next) {
        return "aeiou".indexOf(Character.toLowerCase(next.charAt(0))) >= 0 ? "an" : "a";
    }

    /** "A, B and C". */
    static String join(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
