package io.github.llava4j.finetune.teacher;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads teacher replies in the formats {@link TeacherPrompts} ask for. Question/answer replies are read leniently:
 * {@code Question:} and {@code Answer:} markers (any case, at a line start, the text may follow on the same line)
 * delimit the parts, {@code ===} separator lines are optional. Anything that is not a non-empty alternation of
 * questions and answers is a {@link MalformedReplyException}.
 */
public final class ReplyParser {
    private static final Pattern MARKER = Pattern.compile("(?im)^[ \\t]*(question|answer)[ \\t]*:[ \\t]*");
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^[ \\t]*={3,}[ \\t]*$");

    private ReplyParser() {}

    /** All question/answer pairs of a conversation or complex-reasoning reply, in order. */
    public static List<QaPair> parseQa(String reply) {
        if (reply == null || reply.isBlank()) {
            throw new MalformedReplyException("empty reply");
        }
        String text = SEPARATOR.matcher(reply).replaceAll("");
        Matcher m = MARKER.matcher(text);
        List<String> kinds = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        while (m.find()) {
            kinds.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
            starts.add(m.start());
            ends.add(m.end());
        }
        if (kinds.isEmpty()) {
            throw new MalformedReplyException("no \"Question:\"/\"Answer:\" markers in the reply");
        }
        List<QaPair> pairs = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i += 2) {
            if (!kinds.get(i).equals("question") || i + 1 >= kinds.size() || !kinds.get(i + 1).equals("answer")) {
                throw new MalformedReplyException("expected \"Question:\" then \"Answer:\" at marker " + (i + 1)
                        + ", found " + kinds);
            }
            String question = text.substring(ends.get(i), starts.get(i + 1)).strip();
            int answerEnd = i + 2 < kinds.size() ? starts.get(i + 2) : text.length();
            String answer = text.substring(ends.get(i + 1), answerEnd).strip();
            if (question.isEmpty() || answer.isEmpty()) {
                throw new MalformedReplyException("empty " + (question.isEmpty() ? "question" : "answer")
                        + " in pair " + (i / 2 + 1));
            }
            pairs.add(new QaPair(question, answer));
        }
        return pairs;
    }

    /** The single question/answer of a complex-reasoning reply (the first, if the teacher wrote more). */
    public static QaPair parseSingleQa(String reply) {
        return parseQa(reply).get(0);
    }

    /** A detailed description: the reply itself, stripped; blank or question/answer-shaped text is malformed. */
    public static String parseDescription(String reply) {
        if (reply == null || reply.isBlank()) {
            throw new MalformedReplyException("empty reply");
        }
        if (MARKER.matcher(reply).find()) {
            throw new MalformedReplyException("a description was asked for, the reply has Question/Answer markers");
        }
        return reply.strip();
    }
}
