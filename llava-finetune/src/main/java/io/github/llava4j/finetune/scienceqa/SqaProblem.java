package io.github.llava4j.finetune.scienceqa;

import java.util.List;
import java.util.Objects;

/**
 * One ScienceQA problem as problems.json holds it. {@code answer} is the index of the right choice; {@code hint} is
 * the text context ("" if none); {@code image} the file name in {@code images/<split>/<pid>/}, or null; {@code
 * subject} is "natural science", "social science" or "language science"; {@code grade} e.g. "grade7".
 */
public record SqaProblem(String pid, String split, String question, List<String> choices, int answer, String hint,
        String image, String subject, String grade, String lecture, String solution) {
    public SqaProblem {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(question, "question");
        choices = List.copyOf(choices);
        if (answer < 0 || answer >= choices.size()) {
            throw new IllegalArgumentException("problem " + pid + ": answer " + answer + " is not an index into "
                    + choices.size() + " choices");
        }
        hint = hint == null ? "" : hint;
        lecture = lecture == null ? "" : lecture;
        solution = solution == null ? "" : solution;
    }

    /** The letter of the right choice: A, B, ... */
    public String answerLetter() {
        return String.valueOf((char) ('A' + answer));
    }

    /** The image path relative to the images folder ({@code <split>/<pid>/image.png}), or null. */
    public String imagePath() {
        return image == null ? null : split + "/" + pid + "/" + image;
    }

    /** Grade number 1-12 parsed from "gradeN"; 0 when it does not parse. */
    public int gradeNumber() {
        try {
            return Integer.parseInt(grade.replaceAll("\\D", ""));
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }
}
