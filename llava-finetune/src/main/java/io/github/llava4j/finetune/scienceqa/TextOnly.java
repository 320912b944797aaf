package io.github.llava4j.finetune.scienceqa;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;

/** Removes images from a request for a text-only model (which may refuse image content). */
final class TextOnly {
    /** What replaces a user message that held only images. */
    static final String NO_IMAGE = "(an image is attached that you cannot see)";

    private TextOnly() {}

    static ChatRequest strip(ChatRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof UserMessage u && !u.hasSingleText()) {
                List<Content> texts = new ArrayList<>();
                for (Content c : u.contents()) {
                    if (c instanceof TextContent) {
                        texts.add(c);
                    }
                }
                messages.add(texts.isEmpty() ? UserMessage.from(NO_IMAGE) : UserMessage.from(texts));
            } else {
                messages.add(m);
            }
        }
        return ChatRequest.builder().messages(messages).parameters(request.parameters()).build();
    }

    /** The text of the request's last user message (its text parts joined by newlines). */
    static String lastUserText(ChatRequest request) {
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            if (request.messages().get(i) instanceof UserMessage u) {
                StringBuilder sb = new StringBuilder();
                for (Content c : u.contents()) {
                    if (c instanceof TextContent t) {
                        sb.append(sb.length() == 0 ? "" : "\n").append(t.text());
                    }
                }
                return sb.toString();
            }
        }
        return "";
    }
}
