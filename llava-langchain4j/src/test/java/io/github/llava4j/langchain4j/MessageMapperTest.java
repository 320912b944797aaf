package io.github.llava4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.text.Conversation;
import io.github.llava4j.text.Conversation.Role;
import io.github.llava4j.text.Conversation.Turn;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MessageMapperTest {
    /** Each image "decodes" to its base64 text, so the order of the returned bytes is visible. */
    private static final Function<Image, byte[]> BYTES =
            image -> Base64.getDecoder().decode(image.base64Data());

    private static ImageContent image(String name) {
        return ImageContent.from(Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)),
                "image/png");
    }

    private static List<String> names(MessageMapper.MappedConversation mapped) {
        return mapped.images().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void should_map_system_user_and_assistant_messages_with_images_in_order() {
        List<ChatMessage> messages = List.of(
                SystemMessage.from("Be brief."),
                UserMessage.from(TextContent.from("Compare"), image("a"), TextContent.from("with"), image("b")),
                AiMessage.from("They differ."),
                SystemMessage.from("Answer in English."),
                UserMessage.from(image("c"), TextContent.from("And this one?")));

        MessageMapper.MappedConversation mapped = MessageMapper.toConversation(messages, BYTES);

        assertThat(mapped.conversation().system()).isEqualTo("Be brief.\nAnswer in English.");
        assertThat(mapped.conversation().turns()).containsExactly(
                new Turn(Role.USER, "Compare\nwith", 2),
                new Turn(Role.ASSISTANT, "They differ.", 0),
                new Turn(Role.USER, "And this one?", 1));
        assertThat(names(mapped)).containsExactly("a", "b", "c");
    }

    @Test
    void should_use_the_template_default_system_prompt_without_system_message() {
        MessageMapper.MappedConversation mapped =
                MessageMapper.toConversation(List.of(UserMessage.from("Hi")), BYTES);
        assertThat(mapped.conversation().system()).isNull();
        assertThat(mapped.images()).isEmpty();
    }

    @Test
    void should_merge_consecutive_messages_of_one_role_and_render_tool_results_as_user_text() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("1").name("weather")
                .arguments("{\"city\":\"Rome\"}").build();
        List<ChatMessage> messages = List.of(
                UserMessage.from("First"),
                UserMessage.from(image("x"), TextContent.from("Second")),
                AiMessage.from(call),
                ToolExecutionResultMessage.from(call, "sunny"),
                UserMessage.from("So?"));

        Conversation conversation = MessageMapper.toConversation(messages, BYTES).conversation();

        assertThat(conversation.turns()).containsExactly(
                new Turn(Role.USER, "First\nSecond", 1),
                new Turn(Role.ASSISTANT, "{\"tool\": \"weather\", \"arguments\": {\"city\":\"Rome\"}}", 0),
                new Turn(Role.USER, "Tool weather returned: sunny\nSo?", 0));
    }

    @Test
    void should_put_an_empty_user_turn_before_a_leading_assistant_message() {
        List<ChatMessage> messages = List.of(AiMessage.from("Hello!"), UserMessage.from("Hi"));
        assertThat(MessageMapper.toConversation(messages, BYTES).conversation().turns()).containsExactly(
                new Turn(Role.USER, "", 0), new Turn(Role.ASSISTANT, "Hello!", 0), new Turn(Role.USER, "Hi", 0));
    }

    @Test
    void should_refuse_a_conversation_not_ending_with_a_user_message() {
        assertThatThrownBy(() -> MessageMapper.validateMessages(List.of(UserMessage.from("Hi"), AiMessage.from("Yo"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("last message must be a UserMessage");
        assertThatThrownBy(() -> MessageMapper.validateMessages(List.of(SystemMessage.from("Only system"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no UserMessage");
    }

    @Test
    void should_refuse_audio_content_as_unsupported() {
        UserMessage audio = UserMessage.from(AudioContent.from("AAAA", "audio/wav"));
        assertThatThrownBy(() -> MessageMapper.validateMessages(List.of(audio)))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("AUDIO content is not supported");
    }

    @Test
    void should_map_parameters_to_a_generation_config_with_greedy_defaults() {
        GenerationConfig defaults = MessageMapper.toGenerationConfig(ChatRequestParameters.builder().build());
        assertThat(defaults.greedy()).isTrue();
        assertThat(defaults.topP()).isEqualTo(1.0);
        assertThat(defaults.maxNewTokens()).isEqualTo(256);

        GenerationConfig set = MessageMapper.toGenerationConfig(LlavaChatRequestParameters.builder()
                .temperature(0.7).topP(0.9).topK(40).maxOutputTokens(12).stopSequences("END").seed(5L)
                .repetitionPenalty(1.2).build());
        assertThat(set.temperature()).isEqualTo(0.7);
        assertThat(set.topP()).isEqualTo(0.9);
        assertThat(set.topK()).isEqualTo(40);
        assertThat(set.maxNewTokens()).isEqualTo(12);
        assertThat(set.stopStrings()).containsExactly("END");
        assertThat(set.seed()).isEqualTo(5L);
        assertThat(set.repetitionPenalty()).isEqualTo(1.2);

        assertThatThrownBy(() -> MessageMapper.toGenerationConfig(
                        ChatRequestParameters.builder().temperature(-1.0).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("temperature");
    }

    @Test
    void should_keep_llava_parameters_when_merged_either_way() {
        ChatRequestParameters defaults = LlavaChatRequestParameters.builder().seed(1L).temperature(0.5).build();
        ChatRequestParameters plain = ChatRequestParameters.builder().temperature(0.9).build();
        ChatRequestParameters merged = defaults.overrideWith(plain);
        assertThat(merged).isInstanceOf(LlavaChatRequestParameters.class);
        assertThat(((LlavaChatRequestParameters) merged).seed()).isEqualTo(1L);
        assertThat(merged.temperature()).isEqualTo(0.9);

        ChatRequestParameters perRequest = LlavaChatRequestParameters.builder().seed(2L).build();
        ChatRequestParameters merged2 = plain.overrideWith(perRequest);
        assertThat(((LlavaChatRequestParameters) merged2).seed()).isEqualTo(2L);
        assertThat(merged2.temperature()).isEqualTo(0.9);
        assertThat(((LlavaChatRequestParameters) defaults.overrideWith(perRequest)).seed()).isEqualTo(2L);
    }

    @Test
    void should_map_finish_reasons() {
        assertThat(MessageMapper.finishReason(io.github.llava4j.generate.FinishReason.STOP))
                .isEqualTo(dev.langchain4j.model.output.FinishReason.STOP);
        assertThat(MessageMapper.finishReason(io.github.llava4j.generate.FinishReason.LENGTH))
                .isEqualTo(dev.langchain4j.model.output.FinishReason.LENGTH);
    }
}
