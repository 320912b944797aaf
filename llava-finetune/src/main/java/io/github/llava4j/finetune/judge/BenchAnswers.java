package io.github.llava4j.finetune.judge;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the candidate model's answers to bench questions: each question is asked with its image (as LLaVA's
 * {@code model_vqa}: the image, then the question) and the answer appended to a JSON Lines file
 * ({@code question_id, text}); questions answered there already are not asked again.
 */
public final class BenchAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchAnswers() {}

    /** Question id to answer for every question; a call failing after the retries gives an empty answer. */
    public static Map<String, String> collect(ChatModel model, List<BenchQuestion> questions, Path imagesRoot,
            Path answers, RetryPolicy retry, boolean progressBar) {
        Map<String, String> result = new LinkedHashMap<>();
        try (JsonlJournal journal = JsonlJournal.open(answers);
                Progress progress = Progress.start(progressBar, "answers", questions.size())) {
            for (JsonNode node : journal.existing()) {
                result.put(node.path("question_id").asText(), node.path("text").asText());
            }
            for (BenchQuestion q : questions) {
                if (!result.containsKey(q.questionId())) {
                    UserMessage message = message(q, imagesRoot);
                    String answer;
                    try {
                        answer = retry.call(() -> model.chat(message).aiMessage().text());
                    } catch (RuntimeException e) {
                        answer = "";
                    }
                    ObjectNode row = JSON.createObjectNode().put("question_id", q.questionId()).put("text", answer);
                    journal.append(row);
                    result.put(q.questionId(), answer);
                }
                progress.step();
            }
        }
        return result;
    }

    /** The image (if the question has one) and the question text. */
    public static UserMessage message(BenchQuestion q, Path imagesRoot) {
        List<Content> contents = new ArrayList<>();
        if (q.image() != null && !q.image().isEmpty()) {
            Path image = imagesRoot.resolve(q.image());
            if (!Files.isRegularFile(image)) {
                throw new LlavaException("question " + q.questionId() + ": image " + image + " not found");
            }
            contents.add(ImageContent.from(image, mimeType(image)));
        }
        contents.add(TextContent.from(q.question()));
        return UserMessage.from(contents);
    }

    private static String mimeType(Path image) {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") ? "image/png" : name.endsWith(".webp") ? "image/webp" : "image/jpeg";
    }
}
