package io.github.llava4j.finetune.scienceqa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.Progress;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers ScienceQA problems with any {@link ChatModel} (a LLaVA model, or an ensemble) and scores them. Each
 * prediction is appended to a JSON Lines file ({@code question_id, text, prediction, answer, correct}); problems
 * already there are not asked again, so a killed run resumes.
 */
public final class ScienceQaEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatModel model;
    private final Path imagesRoot;
    private final boolean letterOnly;
    private final RetryPolicy retry;
    private final boolean progressBar;

    /**
     * @param imagesRoot ScienceQA's {@code images/} folder (holding {@code <split>/<pid>/image.png})
     * @param letterOnly append {@link SqaPrompt#LETTER_ONLY} (LLaVA-1.5's evaluation prompt)
     */
    public ScienceQaEvaluator(ChatModel model, Path imagesRoot, boolean letterOnly, RetryPolicy retry,
            boolean progressBar) {
        this.model = Objects.requireNonNull(model, "model");
        this.imagesRoot = Objects.requireNonNull(imagesRoot, "imagesRoot");
        this.letterOnly = letterOnly;
        this.retry = Objects.requireNonNull(retry, "retry");
        this.progressBar = progressBar;
    }

    /** Answers (or reads back) every problem and returns the scores. */
    public SqaScores evaluate(List<SqaProblem> problems, Path predictions) {
        SqaScores scores = new SqaScores();
        try (JsonlJournal journal = JsonlJournal.open(predictions);
                Progress progress = Progress.start(progressBar, "scienceqa", problems.size())) {
            Map<String, JsonNode> done = new HashMap<>();
            journal.existing().forEach(n -> done.put(n.path("question_id").asText(), n));
            for (SqaProblem p : problems) {
                JsonNode row = done.get(p.pid());
                if (row == null) {
                    String reply;
                    try {
                        reply = retry.call(() -> model.chat(message(p)).aiMessage().text());
                    } catch (RuntimeException e) {
                        reply = null;
                    }
                    row = row(p, reply);
                    journal.append(row);
                }
                scores.add(p, row.path("correct").asBoolean());
                progress.step();
            }
        }
        return scores;
    }

    /** The user message for one problem: its image (if any), then the prompt text. */
    public UserMessage message(SqaProblem p) {
        List<Content> contents = new ArrayList<>();
        if (p.image() != null) {
            Path image = imagesRoot.resolve(p.imagePath());
            if (!Files.isRegularFile(image)) {
                throw new LlavaException("problem " + p.pid() + ": image " + image + " not found");
            }
            contents.add(ImageContent.from(image, "image/png"));
        }
        contents.add(TextContent.from(ScienceQaConverter.evalText(p, letterOnly)));
        return UserMessage.from(contents);
    }

    private static ObjectNode row(SqaProblem p, String reply) {
        int chosen = AnswerExtractor.choiceIndex(reply, p.choices().size());
        ObjectNode node = JSON.createObjectNode();
        node.put("question_id", p.pid());
        node.put("text", reply);
        node.put("prediction", chosen < 0 ? "FAILED" : String.valueOf((char) ('A' + chosen)));
        node.put("answer", p.answerLetter());
        node.put("correct", chosen == p.answer());
        return node;
    }
}
