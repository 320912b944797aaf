package io.github.llava4j.finetune.scienceqa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads ScienceQA's {@code problems.json} ({pid: problem}) and {@code pid_splits.json} ({split: [pid, ...]}). */
public final class ScienceQaData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScienceQaData() {}

    /** The problems of {@code split} ("train", "val", "test", "minival", ...) in pid_splits order. */
    public static List<SqaProblem> read(Path problemsJson, Path pidSplitsJson, String split) {
        JsonNode problems = readJson(problemsJson);
        JsonNode pids = readJson(pidSplitsJson).get(split);
        if (pids == null || !pids.isArray()) {
            List<String> names = new ArrayList<>();
            readJson(pidSplitsJson).fieldNames().forEachRemaining(names::add);
            throw new LlavaException(pidSplitsJson + ": no split \"" + split + "\", it has " + names);
        }
        List<SqaProblem> result = new ArrayList<>();
        for (JsonNode pidNode : pids) {
            String pid = pidNode.asText();
            JsonNode p = problems.get(pid);
            if (p == null) {
                throw new LlavaException(problemsJson + ": no problem " + pid + " (listed in " + pidSplitsJson
                        + " split " + split + ")");
            }
            List<String> choices = new ArrayList<>();
            p.path("choices").forEach(c -> choices.add(c.asText()));
            if (choices.isEmpty() || !p.path("answer").isInt()) {
                throw new LlavaException(problemsJson + ": problem " + pid + " needs \"choices\" and an integer"
                        + " \"answer\"");
            }
            JsonNode image = p.get("image");
            result.add(new SqaProblem(pid, split, p.path("question").asText(), choices, p.get("answer").asInt(),
                    p.path("hint").asText(""), image == null || image.isNull() ? null : image.asText(),
                    p.path("subject").asText(""), p.path("grade").asText(""), p.path("lecture").asText(""),
                    p.path("solution").asText("")));
        }
        return result;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LlavaException(file + ": file not found");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new LlavaException(file + ": cannot read JSON (" + e.getMessage() + ")", e);
        }
    }
}
