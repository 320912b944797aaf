package io.github.llava4j.finetune.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The judge's verdict on one question: the raw reply (null when the call failed after all retries) and the scores
 * read from it, empty when unparseable.
 */
public record Judgement(String questionId, String category, String candidate, String reply,
        Optional<ScoreParser.Scores> scores) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Judgement {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(scores, "scores");
    }

    /** One JSONL line: {@code question_id, category, answer, review, scores: [ref, cand] or [-1, -1]}. */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("question_id", questionId);
        node.put("category", category);
        node.put("answer", candidate);
        node.put("review", reply);
        node.putArray("scores").add(scores.map(ScoreParser.Scores::reference).orElse(-1.0))
                .add(scores.map(ScoreParser.Scores::candidate).orElse(-1.0));
        return node;
    }

    /** The inverse of {@link #toJson()}. */
    public static Judgement fromJson(JsonNode node) {
        JsonNode s = node.path("scores");
        Optional<ScoreParser.Scores> scores = s.size() == 2 && s.get(0).asDouble() >= 0
                ? Optional.of(new ScoreParser.Scores(s.get(0).asDouble(), s.get(1).asDouble()))
                : Optional.empty();
        return new Judgement(node.path("question_id").asText(), node.path("category").asText(),
                node.path("answer").asText(null), node.path("review").asText(null), scores);
    }
}
