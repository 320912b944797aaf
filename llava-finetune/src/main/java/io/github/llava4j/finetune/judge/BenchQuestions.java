package io.github.llava4j.finetune.judge;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.teacher.ImageAnnotation;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.ObjectBox;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.teacher.SymbolicContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a question file: JSON Lines, one question per line, {@code {"question_id", "image", "text", "category",
 * "reference", "context"}}. Instead of {@code context} a line may give {@code "captions": [...]} and optionally
 * {@code "instances": [{"category", "bbox": [x1, y1, x2, y2]}]} (normalised, as LLaVA's caps_boxes file), rendered
 * with {@link SymbolicContext}. Categories {@code conv}/{@code detail}/{@code complex} and their long forms are
 * normalised to {@code conversation}/{@code detail}/{@code complex}; others are kept as written.
 */
public final class BenchQuestions {
    private BenchQuestions() {}

    public static List<BenchQuestion> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LlavaException(file + ": question file not found");
        }
        List<BenchQuestion> questions = new ArrayList<>();
        int line = 0;
        for (JsonNode node : JsonlJournal.readAll(file, false)) {
            line++;
            String where = file + ": question " + line;
            questions.add(new BenchQuestion(required(node, "question_id", where), node.path("image").asText(null),
                    required(node, "text", where), category(required(node, "category", where)), context(node, where),
                    required(node, "reference", where)));
        }
        return questions;
    }

    private static String category(String raw) {
        try {
            return ResponseType.parse(raw).id();
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static String context(JsonNode node, String where) {
        if (node.hasNonNull("context")) {
            return node.get("context").asText();
        }
        JsonNode captions = node.get("captions");
        if (captions == null || !captions.isArray()) {
            throw new LlavaException(where + " needs \"context\" or \"captions\"");
        }
        List<String> caps = new ArrayList<>();
        captions.forEach(c -> caps.add(c.asText()));
        List<ObjectBox> boxes = new ArrayList<>();
        for (JsonNode inst : node.path("instances")) {
            JsonNode b = inst.path("bbox");
            if (b.size() != 4) {
                throw new LlavaException(where + ": instance bbox must be [x1, y1, x2, y2], found " + b);
            }
            boxes.add(new ObjectBox(inst.path("category").asText(), b.get(0).asDouble(), b.get(1).asDouble(),
                    b.get(2).asDouble(), b.get(3).asDouble()));
        }
        return SymbolicContext.render(new ImageAnnotation("-", "-", caps, boxes), true);
    }

    private static String required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new LlavaException(where + " lacks \"" + field + "\"");
        }
        return v.asText();
    }
}
