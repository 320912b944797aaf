package io.github.llava4j.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/** LangChain4j's own listener suite for chat models, run against the tiny checkpoint. */
class ChatModelListenerConformanceTest extends AbstractChatModelListenerIT {
    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return LlavaChatModel.builder().engine(TinyModel.engine()).temperature(temperature()).topP(topP())
                .maxOutputTokens(maxTokens()).listeners(List.of(listener)).build();
    }

    @Override
    protected String modelName() {
        return TinyModel.NAME;
    }

    @Override
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return LlavaChatModel.builder().engine(TinyModel.engine()).listeners(List.of(listener))
                .defaultRequestParameters(ChatRequestParameters.builder().frequencyPenalty(0.5).build()).build();
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return UnsupportedFeatureException.class;
    }

}
