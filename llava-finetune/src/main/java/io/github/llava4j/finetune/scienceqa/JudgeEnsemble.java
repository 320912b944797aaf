package io.github.llava4j.finetune.scienceqa;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The paper's "judge" ensemble as a {@link ChatModel}: both models answer (the text-only one without images); when
 * they agree, or only one gives a readable answer, that answer stands; when they disagree, the text-only model is
 * shown the question and both replies and asked for a final answer, which is used if readable, else the vision
 * model's reply.
 */
public final class JudgeEnsemble implements ChatModel {
    /** Builds the re-query from the question and the two replies. */
    @FunctionalInterface
    public interface RequeryPrompt {
        String build(String question, String textReply, String visionReply);
    }

    /** The built-in re-query wording. */
    public static final RequeryPrompt DEFAULT_PROMPT = (question, textReply, visionReply) -> question
            + "\n\nTwo assistants answered this question differently.\n"
            + "Assistant 1: " + textReply.strip() + "\n"
            + "Assistant 2 (which could see the image): " + visionReply.strip() + "\n\n"
            + "Think about which answer is right, then give the final answer in the form the question asks for,"
            + " ending with \"The answer is X.\" where X is the option's letter.";

    private final ChatModel textModel;
    private final ChatModel visionModel;
    private final Function<String, Optional<String>> answerOf;
    private final RequeryPrompt prompt;
    private final AtomicInteger requeries = new AtomicInteger();

    public JudgeEnsemble(ChatModel textModel, ChatModel visionModel, Function<String, Optional<String>> answerOf) {
        this(textModel, visionModel, answerOf, DEFAULT_PROMPT);
    }

    public JudgeEnsemble(ChatModel textModel, ChatModel visionModel, Function<String, Optional<String>> answerOf,
            RequeryPrompt prompt) {
        this.textModel = Objects.requireNonNull(textModel, "textModel");
        this.visionModel = Objects.requireNonNull(visionModel, "visionModel");
        this.answerOf = Objects.requireNonNull(answerOf, "answerOf");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatRequest textRequest = TextOnly.strip(request);
        ChatResponse text = textModel.chat(textRequest);
        ChatResponse vision = visionModel.chat(request);
        Optional<String> a = answerOf.apply(text.aiMessage().text());
        Optional<String> b = answerOf.apply(vision.aiMessage().text());
        if (a.isEmpty() || b.isEmpty() || a.equals(b)) {
            return b.isPresent() ? vision : text;
        }
        requeries.incrementAndGet();
        List<ChatMessage> messages = new ArrayList<>(textRequest.messages());
        int last = messages.size() - 1;
        messages.set(last, UserMessage.from(prompt.build(TextOnly.lastUserText(textRequest),
                text.aiMessage().text(), vision.aiMessage().text())));
        ChatResponse verdict = textModel.chat(ChatRequest.builder().messages(messages)
                .parameters(request.parameters()).build());
        return answerOf.apply(verdict.aiMessage().text()).isPresent() ? verdict : vision;
    }

    /** How many requests needed the re-query (the two models disagreed). */
    public int requeries() {
        return requeries.get();
    }
}
