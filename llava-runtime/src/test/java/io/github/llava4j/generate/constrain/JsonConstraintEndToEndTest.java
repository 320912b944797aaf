package io.github.llava4j.generate.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.TinyCheckpoints;
import io.github.llava4j.generate.FinishReason;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.text.Conversation;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sampling from a tiny random model: its choices are noise, so every answer is valid JSON of the schema only because
 * the mask allows nothing else, and it ends with EOS only because the budget forces the value closed in time.
 */
class JsonConstraintEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NEW_TOKENS = 200;

    @TempDir
    static Path dir;

    static LlavaEngine engine;
    static TokenVocabulary vocabulary;

    @BeforeAll
    static void load() {
        TinyCheckpoints.write(dir, 5);
        engine = Llava.load(dir);
        vocabulary = TokenVocabulary.of(engine.tokenizer());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static LlavaResult generate(JsonConstraint constraint, long seed) {
        GenerationConfig generation = GenerationConfig.builder()
                .temperature(1.0)
                .seed(seed)
                .maxNewTokens(MAX_NEW_TOKENS)
                .eosTokenIds(Set.of(engine.tokenizer().eosId()))
                .addProcessor(constraint)
                .build();
        LlavaRequest request = LlavaRequest.builder()
                .conversation(Conversation.builder().user("Describe a person as JSON.", 0).build())
                .images(List.of())
                .generation(generation)
                .build();
        return engine.generate(request, (delta, token) -> {});
    }

    private static void assertValid(JsonShape shape, long seed) throws Exception {
        LlavaResult result = generate(new JsonConstraint(shape, vocabulary, MAX_NEW_TOKENS), seed);
        String text = result.generation().text();
        assertThat(result.generation().finishReason()).as("seed %d: %s", seed, text).isEqualTo(FinishReason.STOP);
        JsonNode parsed = JSON.readTree(text);
        assertThat(ShapeMatcher.matches(parsed, shape)).as("seed %d: %s", seed, text).isTrue();
        assertThat(result.generation().tokens()).hasSizeLessThanOrEqualTo(MAX_NEW_TOKENS);
    }

    @Test
    void should_always_answer_json_of_an_object_schema() throws Exception {
        JsonShape shape = JsonShape.fromSchema(JSON.readTree("""
                {"type": "object", "properties": {
                  "name": {"type": "string"},
                  "age": {"type": "integer"},
                  "height": {"type": "number"},
                  "member": {"type": "boolean"},
                  "colour": {"enum": ["red", "green", "blue"]},
                  "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3}
                }, "required": ["name", "age", "colour"]}"""));
        for (long seed = 1; seed <= 3; seed++) {
            assertValid(shape, seed);
        }
    }

    @Test
    void should_always_answer_json_of_nested_and_alternative_shapes() throws Exception {
        JsonShape nested = JsonShape.object(
                JsonShape.required("items", new JsonShape.ArrayShape(JsonShape.object(
                        JsonShape.required("id", JsonShape.integer()),
                        JsonShape.required("kind", JsonShape.anyOf(JsonShape.enumOf("a", "b"), JsonShape.nullValue()))),
                        1, 4)));
        assertValid(nested, 11);
        assertValid(nested, 12);
        assertValid(JsonShape.freeObject(), 13);
    }
}
