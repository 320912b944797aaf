package io.github.llava4j.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** LangChain4j's own listener suite for streaming chat models, run against the tiny checkpoint. */
class StreamingChatModelListenerConformanceTest extends AbstractStreamingChatModelListenerIT {
    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return LlavaStreamingChatModel.builder().engine(TinyModel.engine()).temperature(temperature()).topP(topP())
                .maxOutputTokens(maxTokens()).listeners(List.of(listener)).build();
    }

    @Override
    protected String modelName() {
        return TinyModel.NAME;
    }

    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        // Unsupported features throw synchronously from doChat (as the shared streaming suites expect), so the
        // failure this suite needs, one reported through onError, comes from a worker pool that refuses the job.
        Executor refusing = job -> {
            throw new RejectedExecutionException("no worker available");
        };
        return LlavaStreamingChatModel.builder().engine(TinyModel.engine()).listeners(List.of(listener))
                .executor(refusing).build();
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return RejectedExecutionException.class;
    }

}
