package io.github.llava4j.finetune.scienceqa;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.data.Turn;
import io.github.llava4j.finetune.teacher.InstructionGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes ScienceQA problems as LLaVA training data (a JSON list: {@code <image>\n} + question/context/options, answered
 * in an {@link SqaPrompt.AnswerFormat}; image paths relative to ScienceQA's {@code images/} folder) and as an
 * evaluation question file (JSON Lines {@code {question_id, image?, text, answer}}, the text ending with
 * {@link SqaPrompt#LETTER_ONLY} when asked).
 */
public final class ScienceQaConverter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScienceQaConverter() {}

    /** Writes the training list; returns the number of samples. */
    public static int writeTraining(List<SqaProblem> problems, SqaPrompt.AnswerFormat format, Path out) {
        ArrayNode list = JSON.createArrayNode();
        for (SqaProblem p : problems) {
            String human = p.image() == null ? SqaPrompt.question(p) : "<image>\n" + SqaPrompt.question(p);
            ObjectNode node = InstructionGenerator.sampleJson(p.pid(), p.imagePath(),
                    List.of(new Turn(Turn.HUMAN, human), new Turn(Turn.GPT, SqaPrompt.answer(p, format))));
            if (p.image() == null) {
                node.remove("image");
            }
            list.add(node);
        }
        try {
            createParent(out);
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), list);
        } catch (IOException e) {
            throw new LlavaException(out + ": cannot write (" + e.getMessage() + ")", e);
        }
        return list.size();
    }

    /** Writes the evaluation questions; returns their number. */
    public static int writeEvaluation(List<SqaProblem> problems, boolean letterOnly, Path out) {
        try {
            createParent(out);
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                for (SqaProblem p : problems) {
                    ObjectNode node = JSON.createObjectNode();
                    node.put("question_id", p.pid());
                    if (p.image() != null) {
                        node.put("image", p.imagePath());
                    }
                    node.put("text", evalText(p, letterOnly));
                    node.put("answer", p.answerLetter());
                    w.write(JSON.writeValueAsString(node));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new LlavaException(out + ": cannot write (" + e.getMessage() + ")", e);
        }
        return problems.size();
    }

    /** The evaluation prompt text of one problem (no image tag: the image goes in as image content). */
    public static String evalText(SqaProblem p, boolean letterOnly) {
        return letterOnly ? SqaPrompt.question(p) + "\n" + SqaPrompt.LETTER_ONLY : SqaPrompt.question(p);
    }

    private static void createParent(Path out) throws IOException {
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
    }
}
