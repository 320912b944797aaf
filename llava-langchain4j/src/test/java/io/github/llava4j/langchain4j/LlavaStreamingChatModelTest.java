package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.TinyCheckpoints;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaStreamingChatModelTest {
    @TempDir
    static Path dir;

    static LlavaEngine engine;
    static LlavaStreamingChatModel streaming;
    static LlavaChatModel blocking;

    @BeforeAll
    static void load() throws IOException {
        engine = Llava.load(TinyCheckpoints.write(dir, 6));
        streaming = LlavaStreamingChatModel.builder().engine(engine).maxOutputTokens(12).build();
        blocking = LlavaChatModel.builder().engine(engine).maxOutputTokens(12).build();
    }

    @AfterAll
    static void close() {
        streaming.close();
        blocking.close();
        engine.close();
    }

    /** Records every callback and the thread it ran on. */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        int cancelAfter = Integer.MAX_VALUE;

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            threads.add(Thread.currentThread());
            partials.add(partial.text());
            if (partials.size() == cancelAfter) {
                context.streamingHandle().cancel();
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            threads.add(Thread.currentThread());
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            threads.add(Thread.currentThread());
            errors.add(error);
            done.completeExceptionally(error);
        }

        ChatResponse await() throws Exception {
            return done.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void should_stream_partials_that_concatenate_to_the_answer_on_one_other_thread() throws Exception {
        byte[] png = TestImages.png(3);
        UserMessage question = UserMessage.from(
                ImageContent.from(Base64.getEncoder().encodeToString(png), "image/png"), TextContent.from("Why?"));
        Recorder recorder = new Recorder();

        streaming.chat(ChatRequest.builder().messages(question).build(), recorder);
        ChatResponse response = recorder.await();

        assertThat(recorder.partials).isNotEmpty().allSatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(String.join("", recorder.partials)).isEqualTo(response.aiMessage().text());
        assertThat(response.aiMessage().text()).isEqualTo(blocking.chat(question).aiMessage().text());
        assertThat(recorder.threads).hasSize(1).doesNotContain(Thread.currentThread());
        assertThat(recorder.errors).isEmpty();
        assertThat(response.tokenUsage().outputTokenCount()).isPositive();
        assertThat(response.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
    }

    @Test
    void should_throw_unsupported_features_synchronously_before_any_callback() {
        Recorder recorder = new Recorder();
        assertThatThrownBy(() -> streaming.chat(ChatRequest.builder().messages(UserMessage.from("Hi"))
                        .frequencyPenalty(0.5).build(), recorder))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("frequencyPenalty");
        assertThat(recorder.done).isNotDone();
        assertThat(recorder.partials).isEmpty();
    }

    @Test
    void should_send_later_failures_to_onError_and_the_listeners() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                events.add("request");
            }

            @Override
            public void onResponse(ChatModelResponseContext context) {
                events.add("response");
            }

            @Override
            public void onError(ChatModelErrorContext context) {
                events.add("error");
            }
        };
        try (LlavaStreamingChatModel listened = LlavaStreamingChatModel.builder().engine(engine)
                .maxOutputTokens(3).listeners(List.of(listener)).build()) {
            Recorder ok = new Recorder();
            listened.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build(), ok);
            ok.await();
            assertThat(events).containsExactly("request", "response");

            events.clear();
            Recorder failing = new Recorder();
            UserMessage broken = UserMessage.from(ImageContent.from(dir.resolve("absent.png").toUri()));
            listened.chat(ChatRequest.builder().messages(broken).build(), failing);
            assertThatThrownBy(failing::await).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("absent.png");
            assertThat(failing.errors).hasSize(1);
            assertThat(failing.threads).doesNotContain(Thread.currentThread());
            assertThat(events).containsExactly("request", "error");
        }
    }

    @Test
    void should_stop_without_completing_when_the_consumer_cancels() throws Exception {
        Recorder full = new Recorder();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("Count.")).maxOutputTokens(20).build(), full);
        full.await();
        assertThat(full.partials.size()).as("partials of the uncancelled answer").isGreaterThan(2);

        Recorder cancelled = new Recorder();
        cancelled.cancelAfter = 2;
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("Count.")).maxOutputTokens(20).build(),
                cancelled);
        // A following request on the same engine completes; by then the cancelled one has ended.
        Recorder after = new Recorder();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("Next.")).maxOutputTokens(2).build(), after);
        after.await();
        Thread.sleep(200);
        assertThat(cancelled.partials).hasSize(2);
        assertThat(cancelled.done).isNotDone();
    }

    @Test
    void should_send_an_unreadable_url_scheme_to_onError_not_to_the_caller() throws Exception {
        Recorder recorder = new Recorder();
        streaming.chat(ChatRequest.builder()
                .messages(UserMessage.from(ImageContent.from(URI.create("ftp://example.com/x.png"))))
                .build(), recorder);
        assertThatThrownBy(recorder::await).hasCauseInstanceOf(InvalidRequestException.class);
    }
}
