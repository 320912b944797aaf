package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.TinyCheckpoints;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.text.Conversation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocking model on a tiny random checkpoint: answers are noise, but deterministic. */
class LlavaChatModelTest {
    @TempDir
    static Path dir;

    static Path checkpoint;
    static LlavaEngine engine;
    static LlavaChatModel model;
    static final byte[] PNG = TestImages.png(11);

    @BeforeAll
    static void load() throws IOException {
        checkpoint = TinyCheckpoints.write(Files.createDirectories(dir.resolve("tiny-llava")), 5);
        engine = Llava.load(checkpoint);
        model = LlavaChatModel.builder().engine(engine).maxOutputTokens(8).build();
    }

    @AfterAll
    static void close() {
        model.close();
        engine.close();
    }

    /** What the runtime answers to one question with (or without) an image, greedy. */
    static LlavaResult runtime(String question, byte[] image, int tokens) {
        return engine.generate(LlavaRequest.builder()
                .conversation(Conversation.builder().user(question, image == null ? 0 : 1).build())
                .images(image == null ? List.of() : List.of(image))
                .generation(GenerationConfig.builder().maxNewTokens(tokens).logprobs(1).build())
                .build(), GenerationListener.NONE);
    }

    @Test
    void should_name_the_model_after_its_folder_and_fold_builder_values_into_default_parameters() {
        assertThat(model.modelName()).isEqualTo("tiny-llava");
        assertThat(model.defaultRequestParameters().modelName()).isEqualTo("tiny-llava");
        assertThat(model.defaultRequestParameters().temperature()).isEqualTo(0.0);
        assertThat(model.defaultRequestParameters().maxOutputTokens()).isEqualTo(8);
        assertThat(model.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @Test
    void should_stop_at_maxOutputTokens_with_LENGTH_and_report_the_runtime_token_usage() {
        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("Describe the sky."))
                .maxOutputTokens(5)
                .build());
        LlavaResult expected = runtime("Describe the sky.", null, 5);

        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(5);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(expected.generation().usage().promptTokens());
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(expected.generation().usage().promptTokens() + 5);
        assertThat(response.aiMessage().text()).isEqualTo(expected.generation().text());
        assertThat(response.id()).isNotBlank();
        assertThat(response.modelName()).isEqualTo("tiny-llava");
    }

    @Test
    void should_use_the_builder_default_when_the_request_sets_no_maxOutputTokens() {
        ChatResponse response = model.chat(UserMessage.from("Describe the sky."));
        assertThat(response.tokenUsage().outputTokenCount()).isLessThanOrEqualTo(8);
        assertThat(response.aiMessage().text()).isEqualTo(runtime("Describe the sky.", null, 8).generation().text());
    }

    @Test
    void should_end_at_a_stop_sequence_without_returning_it() {
        String full = model.chat(ChatRequest.builder().messages(UserMessage.from("Tell a story."))
                .maxOutputTokens(16).build()).aiMessage().text();
        assertThat(full.length()).as("answer: '%s'", full).isGreaterThanOrEqualTo(6);
        String stop = full.substring(3, 5);
        ChatResponse stopped = model.chat(ChatRequest.builder().messages(UserMessage.from("Tell a story."))
                .maxOutputTokens(16).stopSequences(List.of(stop)).build());

        assertThat(stopped.aiMessage().text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void should_sample_reproducibly_with_a_seed() {
        try (LlavaChatModel seeded = LlavaChatModel.builder().engine(engine).temperature(1.0).seed(42L)
                .maxOutputTokens(10).build()) {
            String a = seeded.chat("Say something.");
            String b = seeded.chat("Say something.");
            assertThat(a).isEqualTo(b);
            assertThat(((LlavaChatRequestParameters) seeded.defaultRequestParameters()).seed()).isEqualTo(42L);

            // A per-request seed overrides the model's; the same request seed gives the same answer again.
            ChatRequest reseeded = ChatRequest.builder().messages(UserMessage.from("Say something."))
                    .parameters(LlavaChatRequestParameters.builder().seed(7L).build()).build();
            String c = seeded.chat(reseeded).aiMessage().text();
            assertThat(seeded.chat(reseeded).aiMessage().text()).isEqualTo(c);
            List<String> perSeed = new ArrayList<>();
            for (long s = 100; s < 104; s++) {
                perSeed.add(seeded.chat(ChatRequest.builder().messages(UserMessage.from("Say something."))
                        .parameters(LlavaChatRequestParameters.builder().seed(s).build()).build()).aiMessage().text());
            }
            assertThat(perSeed).as("answers sampled with four different seeds").doesNotHaveDuplicates();
        }
    }

    @Test
    void should_call_listeners_onRequest_then_onResponse_with_the_merged_request() {
        List<String> events = new CopyOnWriteArrayList<>();
        List<ChatRequest> seen = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                events.add("request");
                seen.add(context.chatRequest());
                context.attributes().put("key", "value");
            }

            @Override
            public void onResponse(ChatModelResponseContext context) {
                events.add("response:" + context.attributes().get("key") + ":"
                        + context.chatResponse().tokenUsage().outputTokenCount());
            }

            @Override
            public void onError(ChatModelErrorContext context) {
                events.add("error:" + context.error().getClass().getSimpleName());
            }
        };
        try (LlavaChatModel listened = LlavaChatModel.builder().engine(engine).maxOutputTokens(3).topP(0.9)
                .listeners(List.of(listener)).build()) {
            listened.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).maxOutputTokens(2).build());

            assertThat(events).containsExactly("request", "response:value:2");
            assertThat(seen.get(0).parameters().modelName()).isEqualTo("tiny-llava");
            assertThat(seen.get(0).parameters().topP()).isEqualTo(0.9);
            assertThat(seen.get(0).parameters().maxOutputTokens()).isEqualTo(2);

            events.clear();
            UserMessage broken = UserMessage.from(ImageContent.from(URI.create("ftp://example.com/a.png")));
            assertThatThrownBy(() -> listened.chat(broken))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("unsupported scheme 'ftp'");
            assertThat(events).containsExactly("request", "error:InvalidRequestException");
        }
    }

    @Test
    void should_refuse_unsupported_features_naming_the_parameter() {
        UserMessage hi = UserMessage.from("Hi");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(hi)
                        .toolChoice(ToolChoice.REQUIRED).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("toolChoice REQUIRED needs at least one tool");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(hi).frequencyPenalty(0.5).build()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("frequencyPenalty");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(hi).presencePenalty(0.5).build()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("presencePenalty");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(hi).modelName("gpt-4o").build()))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName 'gpt-4o' is not supported")
                .hasMessageContaining("tiny-llava");
        assertThat(model.chat(ChatRequest.builder().messages(hi).modelName("tiny-llava").maxOutputTokens(1).build())
                .tokenUsage().outputTokenCount()).isEqualTo(1);
    }

    @Test
    void should_report_an_undecodable_image_as_an_invalid_request() {
        String notAnImage = Base64.getEncoder().encodeToString("plain text, not pixels".getBytes());
        assertThatThrownBy(() -> model.chat(UserMessage.from(TextContent.from("What?"),
                        ImageContent.from(notAnImage, "image/png"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unrecognised image format");
    }

    @Test
    void should_refuse_load_options_for_a_shared_engine_and_a_missing_source() {
        assertThatThrownBy(() -> LlavaChatModel.builder().engine(engine).device("gpu").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device applies only when the model loads the checkpoint");
        assertThatThrownBy(() -> LlavaChatModel.builder().engine(engine).template("vicuna_v9").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown chat template 'vicuna_v9'");
        assertThatThrownBy(() -> LlavaChatModel.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one of modelPath");
    }

    @Test
    void should_load_its_own_engine_from_modelPath_and_answer_like_the_shared_one() {
        String shared = model.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).maxOutputTokens(4)
                .build()).aiMessage().text();
        try (LlavaChatModel own = LlavaChatModel.builder().modelPath(checkpoint).modelName("mine")
                .imageCacheBytes(1L << 20).build()) {
            ChatResponse response = own.chat(ChatRequest.builder().messages(UserMessage.from("Hello"))
                    .maxOutputTokens(4).build());
            assertThat(response.aiMessage().text()).isEqualTo(shared);
            assertThat(response.modelName()).isEqualTo("mine");
        }
    }

    @Test
    void should_pass_images_from_every_source_to_the_model() throws IOException {
        String question = "What is this?";
        LlavaResult withImage = runtime(question, PNG, 8);
        LlavaResult without = runtime(question, null, 8);
        // The image changes the model's view: its answer or at least its first token's log-probability differs.
        assertThat(withImage.generation().text().equals(without.generation().text())
                        && withImage.generation().tokens().get(0).logprob()
                                == without.generation().tokens().get(0).logprob())
                .isFalse();

        String base64 = Base64.getEncoder().encodeToString(PNG);
        Path file = Files.write(dir.resolve("photo.png"), PNG);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/photo.png", exchange -> {
            exchange.sendResponseHeaders(200, PNG.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PNG);
            }
        });
        server.start();
        try {
            List<ImageContent> sources = List.of(
                    ImageContent.from(base64, "image/png"),
                    ImageContent.from(URI.create("data:image/png;base64," + base64)),
                    ImageContent.from(file.toUri()),
                    ImageContent.from(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/photo.png")));
            for (ImageContent image : sources) {
                ChatResponse response = model.chat(UserMessage.from(TextContent.from(question), image));
                assertThat(response.aiMessage().text()).as("image from %s", image.image().url())
                        .isEqualTo(withImage.generation().text());
                assertThat(response.tokenUsage().inputTokenCount())
                        .isEqualTo(withImage.generation().usage().promptTokens())
                        .isGreaterThan(without.generation().usage().promptTokens());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void should_keep_earlier_images_in_context_without_encoding_them_again() {
        byte[] other = TestImages.png(12);
        List<ChatMessage> first = List.of(SystemMessage.from("You look at pictures."),
                UserMessage.from(ImageContent.from(Base64.getEncoder().encodeToString(other), "image/png"),
                        TextContent.from("What is it?")));
        String answer = model.chat(first).aiMessage().text();
        long misses = engine.imageCacheStats().misses();
        long prefixHits = engine.prefixCacheStats().hits();

        List<ChatMessage> followUp = new ArrayList<>(first);
        followUp.add(AiMessage.from(answer));
        followUp.add(UserMessage.from("And its colour?"));
        ChatResponse response = model.chat(followUp);
        // The follow-up continues the first exchange's decoder state instead of prefilling the image again.
        assertThat(engine.prefixCacheStats().hits()).isEqualTo(prefixHits + 1);

        LlavaResult expected = engine.generate(LlavaRequest.builder()
                .conversation(Conversation.builder().system("You look at pictures.").user("What is it?", 1)
                        .assistant(answer).user("And its colour?").build())
                .image(other)
                .generation(GenerationConfig.builder().maxNewTokens(8).build())
                .build(), GenerationListener.NONE);
        assertThat(response.aiMessage().text()).isEqualTo(expected.generation().text());
        assertThat(engine.imageCacheStats().misses()).isEqualTo(misses);
    }

    @Test
    void should_give_concurrent_callers_the_answers_of_serial_calls() throws Exception {
        List<String> questions = List.of("One?", "Two?", "Three?", "Four?");
        List<String> serial = new ArrayList<>();
        for (String q : questions) {
            serial.add(model.chat(q));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (String q : questions) {
                futures.add(pool.submit(() -> model.chat(q)));
            }
            List<String> concurrent = new ArrayList<>();
            for (Future<String> f : futures) {
                concurrent.add(f.get());
            }
            assertThat(concurrent).isEqualTo(serial);
        } finally {
            pool.shutdownNow();
        }
    }
}
