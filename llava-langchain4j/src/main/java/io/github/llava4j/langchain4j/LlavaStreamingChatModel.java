package io.github.llava4j.langchain4j;

import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onCompleteResponse;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.onPartialResponse;
import static dev.langchain4j.internal.InternalStreamingChatResponseHandlerUtils.withLoggingExceptions;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.generate.TokenInfo;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LangChain4j {@link StreamingChatModel} over a local LLaVA checkpoint.
 *
 * <p>{@link #doChat} validates the request on the caller's thread (unsupported features throw
 * {@code UnsupportedFeatureException} there, before any callback), then runs the whole generation on one worker
 * thread: {@code onPartialResponse} per non-empty text delta (never a broken UTF-8 character; the deltas
 * concatenate to the final text), then {@code onCompleteResponse}, or {@code onError} for any later failure. Exceptions
 * thrown by the handler's {@code onPartialResponse} go to its {@code onError} without stopping generation.
 * Cancelling the {@link StreamingHandle} of a partial response's context stops generation before the next model
 * step; no {@code onCompleteResponse} follows. When the request offers tools, text is held back until its first
 * non-space character shows it is not a tool call; a tool call streams no text and arrives in
 * {@code onCompleteResponse}.
 *
 * <p>Workers: by default a pool of daemon threads owned by the model (shut down by {@link #close()}); or an
 * {@link Executor} given to the builder (its owner shuts it down).
 */
public class LlavaStreamingChatModel extends LlavaBaseChatModel implements StreamingChatModel {
    private final Executor executor;
    private final ExecutorService ownedExecutor;

    protected LlavaStreamingChatModel(Builder builder) {
        super(builder);
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newCachedThreadPool(daemonThreads());
            this.executor = ownedExecutor;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        validate(request);
        try {
            executor.execute(() -> stream(request, handler));
        } catch (RejectedExecutionException e) {
            withLoggingExceptions(() -> handler.onError(e));
        }
    }

    private void stream(ChatRequest request, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        try {
            // A possible tool call: hold back leading whitespace until the first character shows whether the answer
            // is a call (then nothing is streamed) or text (then the held text goes first).
            StringBuilder held = new StringBuilder();
            boolean[] holding = {mayCallTool(request)};
            GenerationListener listener = new GenerationListener() {
                @Override
                public void onToken(String delta, TokenInfo token) {
                    if (delta.isEmpty() || handle.isCancelled()) {
                        return;
                    }
                    if (holding[0]) {
                        held.append(delta);
                        String start = held.toString().stripLeading();
                        if (start.isEmpty() || start.startsWith("{")) {
                            return;
                        }
                        holding[0] = false;
                        delta = held.toString();
                        held.setLength(0);
                    }
                    onPartialResponse(handler, delta, handle);
                }

                @Override
                public boolean cancelled() {
                    return handle.isCancelled();
                }
            };
            LlavaResult result = generate(toLlavaRequest(request), listener);
            if (!handle.isCancelled()) {
                ChatResponse response = toChatResponse(request, result);
                if (!response.aiMessage().hasToolExecutionRequests() && !held.isEmpty()) {
                    // Held back in case of a call, but it is not one: the deltas must still add up to the text.
                    onPartialResponse(handler, held.toString(), handle);
                }
                onCompleteResponse(handler, response);
            }
        } catch (Throwable e) {
            withLoggingExceptions(() -> handler.onError(e));
        }
    }

    /** Shuts down the model's own worker pool (if any) and closes the engine if this model loaded it. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        super.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "llava-streaming-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The consumer's way to stop one streaming generation. */
    private static final class Handle implements StreamingHandle {
        private volatile boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** Builds a {@link LlavaStreamingChatModel}; set {@code modelPath} or {@code engine}. */
    public static class Builder extends LlavaBaseChatModel.Builder<LlavaStreamingChatModel, Builder> {
        private Executor executor;

        /** Runs each generation on one of its threads (default: the model's own daemon threads). */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        @Override
        public LlavaStreamingChatModel build() {
            return new LlavaStreamingChatModel(this);
        }
    }
}
