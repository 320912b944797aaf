package io.github.llava4j.finetune.teacher;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the teacher is told for one response type: a system message and few-shot examples (an example context and
 * the reply wanted for it). Messages are assembled as LLaVA did: system, then per example a user message with its
 * context and an assistant message with its reply, then the user message with the image's context.
 */
public record TeacherPrompt(String system, List<Example> examples) {
    public TeacherPrompt {
        Objects.requireNonNull(system, "system");
        examples = List.copyOf(examples);
    }

    /** One few-shot pair: a rendered context ({@link SymbolicContext}) and the reply wanted for it. */
    public record Example(String context, String reply) {
        public Example {
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** The messages for one image whose rendered context is {@code context}. */
    public List<ChatMessage> messages(String context) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(system));
        for (Example example : examples) {
            messages.add(UserMessage.from(example.context()));
            messages.add(AiMessage.from(example.reply()));
        }
        messages.add(UserMessage.from(context));
        return messages;
    }

    /** This prompt with its first {@code n} examples only (small teachers have short contexts). */
    public TeacherPrompt withExamples(int n) {
        return new TeacherPrompt(system, examples.subList(0, Math.min(n, examples.size())));
    }
}
