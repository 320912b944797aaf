package io.github.llava4j.finetune.scienceqa;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The paper's "complement" ensemble as a {@link ChatModel}: the text-only model answers (images removed from the
 * request); when no answer can be read from its reply, the vision model's reply is used instead. Works for any task
 * with an answer extractor, not only ScienceQA.
 */
public final class ComplementEnsemble implements ChatModel {
    private final ChatModel textModel;
    private final ChatModel visionModel;
    private final Function<String, Optional<String>> answerOf;
    private final AtomicInteger fallbacks = new AtomicInteger();

    /**
     * @param textModel asked first, with images removed
     * @param visionModel asked only when {@code answerOf} finds nothing in the text model's reply
     * @param answerOf reads the answer from a reply, e.g. {@link AnswerExtractor#extract}
     */
    public ComplementEnsemble(ChatModel textModel, ChatModel visionModel, Function<String, Optional<String>> answerOf) {
        this.textModel = Objects.requireNonNull(textModel, "textModel");
        this.visionModel = Objects.requireNonNull(visionModel, "visionModel");
        this.answerOf = Objects.requireNonNull(answerOf, "answerOf");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatResponse text = textModel.chat(TextOnly.strip(request));
        if (answerOf.apply(text.aiMessage().text()).isPresent()) {
            return text;
        }
        fallbacks.incrementAndGet();
        return visionModel.chat(request);
    }

    /** How many requests fell back to the vision model. */
    public int fallbacks() {
        return fallbacks.get();
    }
}
