package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.service.AiServices;
import io.github.llava4j.TinyCheckpoints;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AiServicesTest {
    interface Assistant {
        String chat(String message);
    }

    @Test
    void should_hold_a_two_turn_conversation_through_ai_services_with_memory(@TempDir Path dir) {
        List<List<ChatMessage>> requests = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                requests.add(context.chatRequest().messages());
            }
        };
        try (LlavaChatModel model = LlavaChatModel.builder().modelPath(TinyCheckpoints.write(dir, 7))
                .maxOutputTokens(6).listeners(List.of(listener)).build()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                    .build();

            String first = assistant.chat("Hello, who are you?");
            String second = assistant.chat("And what can you do?");

            assertThat(requests).hasSize(2);
            assertThat(requests.get(1)).containsExactly(
                    UserMessage.from("Hello, who are you?"), AiMessage.from(first),
                    UserMessage.from("And what can you do?"));
            assertThat(second).isEqualTo(model.chat(requests.get(1)).aiMessage().text());
        }
    }
}
