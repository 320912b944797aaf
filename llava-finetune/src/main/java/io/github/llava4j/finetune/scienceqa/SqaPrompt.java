package io.github.llava4j.finetune.scienceqa;

/**
 * ScienceQA problems as LLaVA's prompts ({@code convert_sqa_to_llava}, formats QCM-A / QCM-LEA): the question, the
 * context (the hint, {@code N/A} if empty) and lettered options; the answer as {@code The answer is X.}, optionally
 * after (chain-of-thought, the paper's choice) or before the lecture and solution.
 */
public final class SqaPrompt {
    /** What LLaVA-1.5 appends to ask for the bare letter at evaluation. */
    public static final String LETTER_ONLY = "Answer with the option's letter from the given choices directly.";

    private SqaPrompt() {}

    /** How the training answer is written. */
    public enum AnswerFormat {
        /** {@code The answer is X.} */
        ANSWER,
        /** Lecture and solution, then {@code The answer is X.} (QCM-LEA, the paper's model). */
        EXPLANATION_FIRST,
        /** {@code The answer is X.} then lecture and solution (the paper's answer-first ablation). */
        ANSWER_FIRST;

        public static AnswerFormat parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
                case "answer", "a" -> ANSWER;
                case "explanation-first", "lea", "cot" -> EXPLANATION_FIRST;
                case "answer-first", "ale" -> ANSWER_FIRST;
                default -> throw new IllegalArgumentException("unknown answer format '" + s
                        + "', expected answer, explanation-first or answer-first");
            };
        }
    }

    /** {@code question\nContext: hint\nOptions: (A) x (B) y}, without the image tag. */
    public static String question(SqaProblem p) {
        StringBuilder sb = new StringBuilder(p.question().strip());
        sb.append("\nContext: ").append(p.hint().isBlank() ? "N/A" : p.hint().strip());
        sb.append("\nOptions:");
        for (int i = 0; i < p.choices().size(); i++) {
            sb.append(" (").append((char) ('A' + i)).append(") ").append(p.choices().get(i).strip());
        }
        return sb.toString();
    }

    /** The training answer in {@code format}. */
    public static String answer(SqaProblem p, AnswerFormat format) {
        String answer = "The answer is " + p.answerLetter() + ".";
        String explanation = collapse(p.lecture() + " " + p.solution());
        return switch (format) {
            case ANSWER -> answer;
            case EXPLANATION_FIRST -> explanation.isEmpty() ? answer : explanation + " " + answer;
            case ANSWER_FIRST -> explanation.isEmpty() ? answer : answer + " " + explanation;
        };
    }

    private static String collapse(String s) {
        return s.strip().replaceAll(" {2,}", " ");
    }
}
