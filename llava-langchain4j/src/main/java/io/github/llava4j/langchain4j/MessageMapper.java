package io.github.llava4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.generate.GenerationResult;
import io.github.llava4j.text.Conversation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Pure mapping between LangChain4j's chat types and the runtime's: messages to a {@link Conversation} plus the
 * images it references, merged parameters to a {@link GenerationConfig}, and a {@link LlavaResult} to a
 * {@link ChatResponse}.
 *
 * <p>Message rules:
 * <ul>
 *   <li>{@link SystemMessage}s become the system prompt (several are joined with "\n"); without one the template's
 *       default system prompt is used (LLaVA-1.5's, as it was trained).
 *   <li>A {@link UserMessage} becomes a user turn: its {@link ImageContent}s count as the turn's images (the
 *       template places them before the text, as LLaVA was trained), its {@link TextContent}s are joined with
 *       "\n". Other content types (audio, video, PDF) are refused.
 *   <li>An {@link AiMessage} becomes an assistant turn with its text; its tool calls are rendered as the model
 *       writes them, one line each: {@code {"tool": "name", "arguments": {...}}} (see {@link ToolCalling}).
 *   <li>A {@link ToolExecutionResultMessage} becomes user text {@code Tool name returned: text}: LLaVA's templates
 *       have no tool role.
 *   <li>Consecutive messages of the same role are merged into one turn (texts joined with "\n", images added).
 *       A history that starts with an assistant turn (e.g. after a chat memory evicted the first question) gets
 *       an empty user turn in front; the last turn must be a user turn.
 * </ul>
 * The images of <em>every</em> turn are returned in order: the engine needs all images of the conversation, and
 * its image-embedding and prefix caches make earlier images cheap.
 */
public final class MessageMapper {
    private MessageMapper() {}

    /** A conversation and the encoded images its user turns reference, in order. */
    public record MappedConversation(Conversation conversation, List<byte[]> images) {
        public MappedConversation {
            images = List.copyOf(images);
        }
    }

    /**
     * Checks that every message and content type can be mapped, without resolving any image (cheap, so that
     * streaming can refuse a request synchronously).
     */
    public static void validateMessages(List<ChatMessage> messages) {
        toConversation(messages, image -> new byte[0]);
    }

    /** Maps the messages; {@code images} turns each image into its encoded bytes. */
    public static MappedConversation toConversation(List<ChatMessage> messages, Function<Image, byte[]> images) {
        List<String> system = new ArrayList<>();
        List<TurnBuilder> turns = new ArrayList<>();
        List<byte[]> imageBytes = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage s) {
                system.add(s.text());
            } else if (message instanceof UserMessage u) {
                TurnBuilder turn = turn(turns, Conversation.Role.USER);
                for (Content content : u.contents()) {
                    if (content instanceof TextContent t) {
                        turn.text(t.text());
                    } else if (content instanceof ImageContent i) {
                        turn.images++;
                        imageBytes.add(images.apply(i.image()));
                    } else {
                        throw new UnsupportedFeatureException(content.type() + " content is not supported by LLaVA:"
                                + " a UserMessage may hold only text and images");
                    }
                }
            } else if (message instanceof AiMessage a) {
                TurnBuilder turn = turn(turns, Conversation.Role.ASSISTANT);
                if (a.text() != null) {
                    turn.text(a.text());
                }
                for (ToolExecutionRequest call : a.toolExecutionRequests()) {
                    turn.text(ToolCalling.render(call));
                }
            } else if (message instanceof ToolExecutionResultMessage t) {
                turn(turns, Conversation.Role.USER).text("Tool " + t.toolName() + " returned: " + toolText(t));
            } else {
                throw new UnsupportedFeatureException(message.type() + " messages are not supported by LLaVA");
            }
        }
        if (turns.isEmpty()) {
            throw new InvalidRequestException("the request has no UserMessage to answer (only system messages)");
        }
        if (turns.get(turns.size() - 1).role != Conversation.Role.USER) {
            throw new InvalidRequestException("the last message must be a UserMessage (or a tool result) for the"
                    + " model to answer; it is an AiMessage");
        }
        Conversation.Builder conversation = Conversation.builder().system(system.isEmpty() ? null : String.join(
                "\n", system));
        if (turns.get(0).role == Conversation.Role.ASSISTANT) {
            conversation.user("");
        }
        for (TurnBuilder turn : turns) {
            if (turn.role == Conversation.Role.USER) {
                conversation.user(turn.text.toString(), turn.images);
            } else {
                conversation.assistant(turn.text.toString());
            }
        }
        return new MappedConversation(conversation.build(), imageBytes);
    }

    /**
     * Sampling settings from merged request parameters: temperature null = 0 (greedy), topP null = 1 (off), topK
     * null = 0 (off), maxOutputTokens null = the runtime's default (256); seed and repetition penalty from
     * {@link LlavaChatRequestParameters} (unset: a random seed, no penalty).
     */
    public static GenerationConfig toGenerationConfig(ChatRequestParameters parameters) {
        GenerationConfig.Builder builder = GenerationConfig.builder();
        if (parameters instanceof LlavaChatRequestParameters llava) {
            builder.seed(llava.seed());
            if (llava.repetitionPenalty() != null) {
                builder.repetitionPenalty(llava.repetitionPenalty());
            }
        }
        if (parameters.temperature() != null) {
            builder.temperature(parameters.temperature());
        }
        if (parameters.topP() != null) {
            builder.topP(parameters.topP());
        }
        if (parameters.topK() != null) {
            builder.topK(parameters.topK());
        }
        if (parameters.maxOutputTokens() != null) {
            builder.maxNewTokens(parameters.maxOutputTokens());
        }
        if (parameters.stopSequences() != null) {
            builder.stopStrings(parameters.stopSequences());
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid request parameter: " + e.getMessage(), e);
        }
    }

    /** The answer with a fresh id, the model's name, the runtime's token counts and finish reason. */
    public static ChatResponse toChatResponse(LlavaResult result, String modelName) {
        GenerationResult generation = result.generation();
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(generation.text()))
                .id(UUID.randomUUID().toString())
                .modelName(modelName)
                .tokenUsage(new TokenUsage(
                        generation.usage().promptTokens(), generation.usage().completionTokens()))
                .finishReason(finishReason(generation.finishReason()))
                .build();
    }

    static FinishReason finishReason(io.github.llava4j.generate.FinishReason reason) {
        return switch (reason) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }

    private static String toolText(ToolExecutionResultMessage message) {
        if (message.hasSingleText()) {
            return message.text();
        }
        StringBuilder text = new StringBuilder();
        for (Content content : message.contents()) {
            if (!(content instanceof TextContent t)) {
                throw new UnsupportedFeatureException(content.type() + " content in a tool result is not supported"
                        + " by LLaVA: tool results may hold only text");
            }
            text.append(text.isEmpty() ? "" : "\n").append(t.text());
        }
        return text.toString();
    }

    private static TurnBuilder turn(List<TurnBuilder> turns, Conversation.Role role) {
        if (!turns.isEmpty() && turns.get(turns.size() - 1).role == role) {
            return turns.get(turns.size() - 1);
        }
        TurnBuilder turn = new TurnBuilder(role);
        turns.add(turn);
        return turn;
    }

    /** A turn being assembled from consecutive messages of one role. */
    private static final class TurnBuilder {
        final Conversation.Role role;
        final StringBuilder text = new StringBuilder();
        int images;
        private boolean hasText;

        TurnBuilder(Conversation.Role role) {
            this.role = role;
        }

        void text(String part) {
            if (hasText) {
                text.append('\n');
            }
            text.append(part);
            hasText = true;
        }
    }

    /** The conversation with {@code instruction} added on a new line of its last (user) turn. */
    static Conversation appendToLastUserTurn(Conversation conversation, String instruction) {
        List<Conversation.Turn> turns = new ArrayList<>(conversation.turns());
        Conversation.Turn last = turns.get(turns.size() - 1);
        String text = last.text().isEmpty() ? instruction : last.text() + "\n" + instruction;
        turns.set(turns.size() - 1, new Conversation.Turn(last.role(), text, last.images()));
        return new Conversation(conversation.system(), turns);
    }
}
