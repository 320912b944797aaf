package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON output from a tiny RANDOM model: the hardest case, it only stays valid because decoding is constrained by the
 * schema's grammar.
 */
class JsonOutputTest {
    @TempDir
    static Path dir;

    static LlavaEngine engine;
    static final ObjectMapper JSON = new ObjectMapper();

    static final JsonSchema PERSON = JsonSchema.builder()
            .name("Person")
            .rootElement(JsonObjectSchema.builder()
                    .addStringProperty("name")
                    .addIntegerProperty("age")
                    .addBooleanProperty("adult")
                    .addEnumProperty("colour", List.of("red", "green", "blue"))
                    .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                    .required("name", "age", "adult", "colour", "tags")
                    .build())
            .build();

    @BeforeAll
    static void load() throws Exception {
        engine = Llava.load(TinyCheckpoints.write(Files.createDirectories(dir.resolve("tiny")), 13));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void should_declare_json_schema_output() {
        try (LlavaChatModel model = LlavaChatModel.builder().engine(engine).build()) {
            assertThat(model.supportedCapabilities()).contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        }
    }

    @Test
    void should_always_answer_json_matching_the_schema_even_when_sampling() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            try (LlavaChatModel model = LlavaChatModel.builder()
                    .engine(engine)
                    .temperature(1.0)
                    .seed(seed)
                    .maxOutputTokens(120)
                    .build()) {
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Describe a person."))
                        .responseFormat(ResponseFormat.builder()
                                .type(ResponseFormatType.JSON)
                                .jsonSchema(PERSON)
                                .build())
                        .build());
                String text = response.aiMessage().text();
                JsonNode person = JSON.readTree(text);
                assertThat(person.get("name").isTextual()).as(text).isTrue();
                assertThat(person.get("age").isIntegralNumber()).as(text).isTrue();
                assertThat(person.get("adult").isBoolean()).as(text).isTrue();
                assertThat(person.get("colour").asText()).as(text).isIn("red", "green", "blue");
                assertThat(person.get("tags").isArray()).as(text).isTrue();
                person.get("tags").forEach(tag -> assertThat(tag.isTextual()).isTrue());
                assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
            }
        }
    }

    @Test
    void should_answer_a_json_object_in_plain_json_mode() throws Exception {
        try (LlavaChatModel model = LlavaChatModel.builder().engine(engine).maxOutputTokens(60).build()) {
            ChatResponse response = model.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Give me JSON."))
                    .responseFormat(ResponseFormat.JSON)
                    .build());
            assertThat(JSON.readTree(response.aiMessage().text()).isObject()).isTrue();
        }
    }

    record Person(String name, int age, boolean adult) {}

    interface Extractor {
        Person extract(String text);
    }

    @Test
    void should_return_a_pojo_through_ai_services() {
        try (LlavaChatModel model = LlavaChatModel.builder().engine(engine).maxOutputTokens(80).build()) {
            Extractor extractor = AiServices.create(Extractor.class, model);
            Person person = extractor.extract("Alice is 31 years old.");
            assertThat(person).isNotNull();
            assertThat(person.name()).isNotNull();
        }
    }

    @Test
    void should_refuse_a_schema_outside_the_supported_subset() {
        try (LlavaChatModel model = LlavaChatModel.builder().engine(engine).build()) {
            JsonSchema withPattern = JsonSchema.builder()
                    .name("Code")
                    .rootElement(JsonRawSchema.from("{\"type\":\"string\",\"pattern\":\"[A-Z]+\"}"))
                    .build();
            assertThatThrownBy(() -> model.chat(ChatRequest.builder()
                            .messages(UserMessage.from("Code?"))
                            .responseFormat(ResponseFormat.builder()
                                    .type(ResponseFormatType.JSON)
                                    .jsonSchema(withPattern)
                                    .build())
                            .build()))
                    .isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessageContaining("pattern");
        }
    }
}
