package io.github.llava4j.finetune.judge;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;
import java.util.Objects;

/**
 * The judge's instructions, laid out as LLaVA's review scripts do: the context, the question, the reference answer as
 * Assistant 1 and the candidate's as Assistant 2, then the rating rule asking for "score1 score2" on the first line.
 */
public record JudgePrompt(String system, String rule) {
    public JudgePrompt {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(rule, "rule");
    }

    /** The built-in wording. */
    public static JudgePrompt defaults() {
        return new JudgePrompt("You are a careful, impartial assistant who checks how good answers are.", """
                We want your opinion on the answers of two AI assistants to the question above about an image. You \
                cannot see the image; it is described to you in the context (sentences about it, and possibly \
                objects with boxes given as [x1, y1, x2, y2], fractions of the image size from 0 to 1).
                Rate how helpful, relevant, accurate and detailed each answer is. Give each assistant one overall \
                score from 1 to 10, higher is better.
                On the first line write only the two scores, Assistant 1's then Assistant 2's, separated by a space. \
                From the second line on, explain your rating in full. Judge the content only: the order in which the \
                answers were shown must not influence you.""");
    }

    /** The messages asking the judge about one question. */
    public List<ChatMessage> messages(BenchQuestion q, String candidate) {
        String user = "[Context]\n" + q.context() + "\n\n"
                + "[Question]\n" + q.question() + "\n\n"
                + "[Assistant 1]\n" + q.reference() + "\n\n[End of Assistant 1]\n\n"
                + "[Assistant 2]\n" + candidate + "\n\n[End of Assistant 2]\n\n"
                + "[System]\n" + rule + "\n\n";
        return List.of(SystemMessage.from(system), UserMessage.from(user));
    }
}
