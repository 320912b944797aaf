package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.generate.LogitsProcessor;
import io.github.llava4j.generate.constrain.JsonShape;
import io.github.llava4j.generate.constrain.TokenVocabulary;
import io.github.llava4j.text.Conversation;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Tool calling on the tiny RANDOM checkpoint: its calls are only valid because decoding is constrained by the
 * tool-call grammar, so these tests check the constraint, the mapping and the AiServices loop, not the model's wits.
 */
class ToolCallingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static final ToolSpecification FORECAST = ToolSpecification.builder()
            .name("forecast")
            .description("Weather forecast for a city")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("city")
                    .addIntegerProperty("days")
                    .required("city", "days")
                    .build())
            .build();
    static final ToolSpecification TIME = ToolSpecification.builder()
            .name("time")
            .description("The current time")
            .build();

    static LlavaChatModel model(long seed) {
        return LlavaChatModel.builder().engine(TinyModel.engine()).temperature(1.0).seed(seed)
                .maxOutputTokens(60).build();
    }

    static void assertValidCall(ToolExecutionRequest call) throws Exception {
        assertThat(call.id()).isNotBlank();
        assertThat(call.name()).isIn("forecast", "time");
        JsonNode arguments = JSON.readTree(call.arguments());
        if (call.name().equals("forecast")) {
            assertThat(arguments.get("city").isTextual()).as(call.arguments()).isTrue();
            assertThat(arguments.get("days").isIntegralNumber()).as(call.arguments()).isTrue();
            assertThat(arguments.size()).isEqualTo(2);
        } else {
            assertThat(arguments.isObject() && arguments.isEmpty()).as(call.arguments()).isTrue();
        }
    }

    @Test
    void should_always_call_a_known_tool_with_valid_arguments_when_required() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            try (LlavaChatModel model = model(seed)) {
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Will it rain in Paris this week?"))
                        .toolSpecifications(FORECAST, TIME)
                        .toolChoice(ToolChoice.REQUIRED)
                        .build());

                assertThat(response.aiMessage().text()).isNull();
                assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
                assertValidCall(response.aiMessage().toolExecutionRequests().get(0));
                assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
                assertThat(response.tokenUsage().outputTokenCount()).isPositive();
            }
        }
    }

    @Test
    void should_answer_text_or_a_valid_call_but_never_broken_json_in_auto_mode() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            try (LlavaChatModel model = model(seed)) {
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("What time is it?"))
                        .toolSpecifications(FORECAST, TIME)
                        .build());

                AiMessage answer = response.aiMessage();
                if (answer.hasToolExecutionRequests()) {
                    assertValidCall(answer.toolExecutionRequests().get(0));
                    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
                } else {
                    assertThat(answer.text().strip()).doesNotStartWith("{");
                    assertThat(response.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
                }
            }
        }
    }

    @Test
    void should_answer_a_call_or_the_response_schema_when_tools_meet_json_output() throws Exception {
        ResponseFormat city = ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()
                .name("City").rootElement(JsonObjectSchema.builder().addStringProperty("name").required("name")
                        .build()).build()).build();
        for (long seed = 1; seed <= 3; seed++) {
            try (LlavaChatModel model = model(seed)) {
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Which city?"))
                        .toolSpecifications(FORECAST, TIME)
                        .responseFormat(city)
                        .build());
                if (response.aiMessage().hasToolExecutionRequests()) {
                    assertValidCall(response.aiMessage().toolExecutionRequests().get(0));
                } else {
                    assertThat(JSON.readTree(response.aiMessage().text()).get("name").isTextual()).isTrue();
                }
            }
        }
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("time").arguments("{}").build();
        try (LlavaChatModel model = model(4)) {
            ChatResponse response = model.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Which city?"), AiMessage.from(call),
                            ToolExecutionResultMessage.from(call, "noon"))
                    .toolSpecifications(FORECAST, TIME)
                    .toolChoice(ToolChoice.REQUIRED)
                    .responseFormat(city)
                    .build());
            assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(JSON.readTree(response.aiMessage().text()).get("name").isTextual()).isTrue();
        }
    }

    /**
     * The random model never starts with '{' by itself; a nudge after the AUTO processor (favouring the '{' tokens
     * it left allowed, at the first step only) drives the whole pipeline down the call path.
     */
    @Test
    void should_finish_a_brace_start_as_a_valid_call_in_auto_mode() throws Exception {
        ToolCalling.TokenClasses classes = ToolCalling.TokenClasses.of(TinyModel.engine().tokenizer());
        for (long seed = 1; seed <= 4; seed++) {
            try (LlavaChatModel model = model(seed)) {
                ChatRequestParameters merged = model.defaultRequestParameters().overrideWith(
                        ChatRequestParameters.builder().toolSpecifications(FORECAST, TIME).build());
                ChatRequest chat = ChatRequest.builder().messages(UserMessage.from("What time is it?"))
                        .parameters(merged).build();
                LlavaRequest request = model.toLlavaRequest(chat);
                LogitsProcessor nudge = braceNudge(classes);
                LlavaResult result = model.generate(new LlavaRequest(request.conversation(), request.images(),
                        request.template(), request.generation().toBuilder().addProcessor(nudge).build()),
                        GenerationListener.NONE);

                ChatResponse response = model.toChatResponse(chat, result);
                assertThat(result.generation().text().strip()).startsWith("{");
                assertThat(response.aiMessage().toolExecutionRequests()).as(result.generation().text()).hasSize(1);
                assertValidCall(response.aiMessage().toolExecutionRequests().get(0));
                assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            }
        }
    }

    /** A tiny vocabulary where the AUTO processor's decisions can be checked token by token. */
    @Test
    void should_mask_only_invalid_brace_tokens_until_the_answer_starts_then_follow_the_start() {
        List<String> tokens = List.of("", "{", " ", "a", "{\"", "{}", "\"", "\n");
        TokenVocabulary vocabulary = TokenVocabulary.of(tokens.size(), id -> tokens.get(id).getBytes(), Set.of(0));
        boolean[] brace = {false, true, false, false, true, true, false, false};
        boolean[] space = {false, false, true, false, false, false, false, true};
        JsonShape shape = JsonShape.object(JsonShape.required("tool", JsonShape.enumOf("t")),
                JsonShape.required("arguments", new JsonShape.ObjectShape(List.of())));

        // First step: "{}" cannot start a call; everything else stays.
        ToolCalling.AutoToolProcessor auto = new ToolCalling.AutoToolProcessor(shape, vocabulary, brace, space, 50);
        float[] logits = new float[tokens.size()];
        auto.process(logits, new int[] {3, 3});
        assertThat(blocked(logits)).containsExactly(5);
        // After whitespace, then "{": the call's grammar rules ("a" and EOS can no longer follow).
        auto.process(logits = new float[tokens.size()], new int[] {3, 3, 7});
        assertThat(blocked(logits)).containsExactly(5);
        auto.process(logits = new float[tokens.size()], new int[] {3, 3, 7, 1});
        assertThat(blocked(logits)).containsExactly(0, 1, 2, 3, 4, 5, 7);

        // A text start: nothing is constrained any more.
        ToolCalling.AutoToolProcessor text = new ToolCalling.AutoToolProcessor(shape, vocabulary, brace, space, 50);
        text.process(new float[tokens.size()], new int[] {3, 3});
        text.process(logits = new float[tokens.size()], new int[] {3, 3, 3});
        assertThat(blocked(logits)).isEmpty();

        // Too few tokens left for any call: no brace start at all.
        ToolCalling.AutoToolProcessor tight = new ToolCalling.AutoToolProcessor(shape, vocabulary, brace, space, 3);
        tight.process(logits = new float[tokens.size()], new int[] {3});
        assertThat(blocked(logits)).containsExactly(1, 4, 5);
    }

    private static List<Integer> blocked(float[] logits) {
        return java.util.stream.IntStream.range(0, logits.length)
                .filter(i -> logits[i] == Float.NEGATIVE_INFINITY).boxed().toList();
    }

    @Test
    void should_answer_in_text_after_a_tool_result_even_when_required() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("forecast")
                .arguments("{\"city\":\"Paris\",\"days\":3}").build();
        try (LlavaChatModel model = model(3)) {
            ChatResponse response = model.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Will it rain in Paris?"), AiMessage.from(call),
                            ToolExecutionResultMessage.from(call, "rain on Tuesday"))
                    .toolSpecifications(FORECAST, TIME)
                    .toolChoice(ToolChoice.REQUIRED)
                    .maxOutputTokens(8)
                    .build());

            assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(response.aiMessage().text()).isNotNull();
            assertThat(response.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        }
    }

    @Test
    void should_describe_the_tools_after_the_templates_default_system_prompt() {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi"))
                .toolSpecifications(FORECAST, TIME).build();
        ToolCalling calling = ToolCalling.of(request).orElseThrow();
        Conversation conversation = calling.withToolsPrompt(
                Conversation.builder().user("Hi").build(), "Default system.");

        assertThat(conversation.system())
                .startsWith("Default system.\n\nYou can call these tools:\n- forecast: Weather forecast for a city\n")
                .contains("\"city\"", "- time: The current time\n  parameters: {}")
                .endsWith("answer only with JSON {\"tool\": \"<name>\", \"arguments\": {...}}; otherwise answer"
                        + " normally.");
        assertThat(ToolCalling.of(ChatRequest.builder().messages(UserMessage.from("Hi"))
                .toolSpecifications(FORECAST).toolChoice(ToolChoice.NONE).build())).isEmpty();
        assertThat(ToolCalling.render(ToolExecutionRequest.builder().name("forecast")
                .arguments("{ \"city\": \"Rome\", \"days\": 2 }").build()))
                .isEqualTo("{\"tool\": \"forecast\", \"arguments\": {\"city\":\"Rome\",\"days\":2}}");
    }

    @Test
    void should_stream_no_text_for_a_call_and_stream_a_text_answer() throws Exception {
        try (LlavaStreamingChatModel streaming = LlavaStreamingChatModel.builder().engine(TinyModel.engine())
                .temperature(1.0).seed(2L).maxOutputTokens(60).build()) {
            LlavaStreamingChatModelTest.Recorder call = new LlavaStreamingChatModelTest.Recorder();
            streaming.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Forecast for Oslo?"))
                    .toolSpecifications(FORECAST, TIME)
                    .toolChoice(ToolChoice.REQUIRED)
                    .build(), call);
            ChatResponse response = call.await();
            assertThat(call.partials).isEmpty();
            assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
            assertValidCall(response.aiMessage().toolExecutionRequests().get(0));
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);

            LlavaStreamingChatModelTest.Recorder text = new LlavaStreamingChatModelTest.Recorder();
            streaming.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Say hello."))
                    .toolSpecifications(FORECAST, TIME)
                    .maxOutputTokens(12)
                    .build(), text);
            ChatResponse answer = text.await();
            assertThat(answer.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(text.partials).isNotEmpty();
            assertThat(String.join("", text.partials)).isEqualTo(answer.aiMessage().text());
            assertThat(text.errors).isEmpty();
        }
    }

    @Test
    void should_stream_nothing_for_a_call_chosen_in_auto_mode() throws Exception {
        ToolCalling.TokenClasses classes = ToolCalling.TokenClasses.of(TinyModel.engine().tokenizer());
        LlavaStreamingChatModel.Builder builder = LlavaStreamingChatModel.builder().engine(TinyModel.engine())
                .temperature(1.0).seed(6L).maxOutputTokens(60);
        // The same nudge as above, inside the streaming model's own request.
        try (LlavaStreamingChatModel streaming = new LlavaStreamingChatModel(builder) {
            @Override
            LlavaRequest toLlavaRequest(ChatRequest request) {
                LlavaRequest plain = super.toLlavaRequest(request);
                return new LlavaRequest(plain.conversation(), plain.images(), plain.template(),
                        plain.generation().toBuilder().addProcessor(braceNudge(classes)).build());
            }
        }) {
            LlavaStreamingChatModelTest.Recorder recorder = new LlavaStreamingChatModelTest.Recorder();
            streaming.chat(ChatRequest.builder()
                    .messages(UserMessage.from("What time is it?"))
                    .toolSpecifications(FORECAST, TIME)
                    .build(), recorder);
            ChatResponse response = recorder.await();

            assertThat(recorder.partials).isEmpty();
            assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
            assertValidCall(response.aiMessage().toolExecutionRequests().get(0));
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        }
    }

    /** Favours, at the first step only, the '{' tokens that earlier processors left allowed. */
    static LogitsProcessor braceNudge(ToolCalling.TokenClasses classes) {
        boolean[] done = {false};
        return (logits, context) -> {
            if (!done[0]) {
                done[0] = true;
                for (int id = 0; id < logits.length; id++) {
                    if (classes.brace()[id] && logits[id] != Float.NEGATIVE_INFINITY) {
                        logits[id] += 100f;
                    }
                }
            }
        };
    }

    /** A tool that records its calls. */
    static final class Weather {
        final List<String> cities = new CopyOnWriteArrayList<>();

        @Tool("Weather forecast for a city")
        String forecast(@P("the city") String city) {
            cities.add(city);
            return "sunny";
        }
    }

    interface Assistant {
        String ask(@dev.langchain4j.service.UserMessage String question,
                @dev.langchain4j.service.UserMessage ImageContent image);
    }

    @Test
    void should_run_a_tool_end_to_end_in_ai_services_with_an_image_in_the_user_message() {
        List<ChatResponse> responses = new CopyOnWriteArrayList<>();
        List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                requests.add(context.chatRequest());
            }

            @Override
            public void onResponse(ChatModelResponseContext context) {
                responses.add(context.chatResponse());
            }
        };
        Weather weather = new Weather();
        try (LlavaChatModel model = LlavaChatModel.builder().engine(TinyModel.engine()).temperature(1.0).seed(5L)
                .maxOutputTokens(80).listeners(List.of(listener))
                .defaultRequestParameters(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build())
                .build()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model)
                    .tools(weather)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                    .build();
            String image = Base64.getEncoder().encodeToString(TestImages.png(4));

            String answer = assistant.ask("What will the weather be here?", ImageContent.from(image, "image/png"));

            assertThat(weather.cities).hasSize(1);
            assertThat(weather.cities.get(0)).isNotNull();
            assertThat(requests).hasSize(2);
            UserMessage question = (UserMessage) requests.get(0).messages().get(0);
            assertThat(question.contents()).hasAtLeastOneElementOfType(ImageContent.class)
                    .hasAtLeastOneElementOfType(TextContent.class);
            assertThat(requests.get(1).messages()).last().isInstanceOf(ToolExecutionResultMessage.class);
            assertThat(responses).hasSize(2);
            assertThat(responses.get(0).finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            assertThat(responses.get(0).aiMessage().toolExecutionRequests().get(0).name()).isEqualTo("forecast");
            assertThat(responses.get(1).aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(answer).isEqualTo(responses.get(1).aiMessage().text());
        }
    }
}
