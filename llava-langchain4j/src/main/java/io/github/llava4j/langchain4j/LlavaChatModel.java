package io.github.llava4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationListener;

/**
 * A LangChain4j {@link ChatModel} answering with a local LLaVA checkpoint: text and images in, text out.
 *
 * <pre>{@code
 * try (LlavaChatModel model = LlavaChatModel.builder().modelPath(Path.of("llava-1.5-7b-hf")).build()) {
 *     ChatResponse answer = model.chat(UserMessage.from(
 *             TextContent.from("What is in this picture?"), ImageContent.from(Path.of("photo.jpg"), "image/jpeg")));
 * }
 * }</pre>
 *
 * LangChain4j's {@code chat(...)} merges {@link #defaultRequestParameters()} with the request's parameters and calls
 * the listeners around {@link #doChat}. Thread-safe: one model (and one engine) serves many threads; see
 * {@link LlavaBaseChatModel} for who closes the engine.
 */
public class LlavaChatModel extends LlavaBaseChatModel implements ChatModel {

    protected LlavaChatModel(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        validate(request);
        LlavaResult result = generate(toLlavaRequest(request), GenerationListener.NONE);
        return toChatResponse(request, result);
    }

    /** Builds a {@link LlavaChatModel}; set {@code modelPath} or {@code engine}. */
    public static class Builder extends LlavaBaseChatModel.Builder<LlavaChatModel, Builder> {
        @Override
        public LlavaChatModel build() {
            return new LlavaChatModel(this);
        }
    }
}
