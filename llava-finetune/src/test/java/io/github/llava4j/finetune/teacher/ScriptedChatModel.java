package io.github.llava4j.finetune.teacher;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A deterministic ChatModel for tests: replies come from a rule over the request (safe under concurrency) or from a
 * recorded list replayed in order; the first {@code failures} calls throw a RuntimeException (a transient error).
 */
public final class ScriptedChatModel implements ChatModel {
    private final Function<ChatRequest, String> rule;
    private final AtomicInteger failuresLeft;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<ChatRequest> requests = new ArrayList<>();

    private ScriptedChatModel(Function<ChatRequest, String> rule, int failures) {
        this.rule = rule;
        this.failuresLeft = new AtomicInteger(failures);
    }

    /** Replies computed from the request. */
    public static ScriptedChatModel byRule(Function<ChatRequest, String> rule) {
        return new ScriptedChatModel(rule, 0);
    }

    /** Replays {@code replies} in order; fails when they run out. */
    public static ScriptedChatModel replaying(String... replies) {
        Deque<String> queue = new ArrayDeque<>(Arrays.asList(replies));
        return new ScriptedChatModel(r -> {
            synchronized (queue) {
                if (queue.isEmpty()) {
                    throw new AssertionError("scripted model: no recorded reply left");
                }
                return queue.poll();
            }
        }, 0);
    }

    /** This model, throwing on its first {@code n} calls. */
    public ScriptedChatModel failingFirst(int n) {
        return new ScriptedChatModel(rule, n);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        calls.incrementAndGet();
        synchronized (requests) {
            requests.add(request);
        }
        if (failuresLeft.getAndDecrement() > 0) {
            throw new RuntimeException("scripted transient failure");
        }
        return ChatResponse.builder().aiMessage(AiMessage.from(rule.apply(request))).build();
    }

    public int calls() {
        return calls.get();
    }

    public List<ChatRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}
