package io.github.llava4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChatTemplatesTest {
    private static final String USER_SYSTEM = "A chat between a curious user and an artificial intelligence assistant."
            + " The assistant gives helpful, detailed, and polite answers to the user's questions.";
    private static final String HUMAN_SYSTEM = "A chat between a curious human and an artificial intelligence"
            + " assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";
    private static final int IMG = TinyTokenizers.IMAGE;

    private static final LlavaTokenizer tokenizer = TinyTokenizers.shared();

    private static Conversation single(String question) {
        return Conversation.builder().user(question, 1).build();
    }

    private static Conversation twoTurns() {
        return Conversation.builder().user("Q1", 1).assistant("A1").user("Q2", 0).build();
    }

    private static String render(String template, Conversation conversation) {
        return ChatTemplates.byName(template).render(conversation);
    }

    @Test
    void should_render_vicuna_v1_as_llava_1_5() {
        assertThat(render("vicuna_v1", single("What is in the image?")))
                .isEqualTo(USER_SYSTEM + " USER: <image>\nWhat is in the image? ASSISTANT:");
        assertThat(render("vicuna_v1", twoTurns()))
                .isEqualTo(USER_SYSTEM + " USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT:");
        assertThat(ChatTemplates.byName("vicuna_v1").stopStrings()).containsExactly("</s>");
        assertThat(ChatTemplates.DEFAULT.name()).isEqualTo("vicuna_v1");
    }

    @Test
    void should_render_a_given_or_empty_system_prompt() {
        Conversation custom = Conversation.builder().system("Be brief.").user("Hi", 0).build();
        assertThat(render("vicuna_v1", custom)).isEqualTo("Be brief. USER: Hi ASSISTANT:");
        Conversation none = Conversation.builder().system("").user("Hi", 0).build();
        assertThat(render("vicuna_v1", none)).isEqualTo("USER: Hi ASSISTANT:");
    }

    @Test
    void should_render_llava_v1_with_the_human_system_prompt() {
        assertThat(render("llava_v1", twoTurns()))
                .isEqualTo(HUMAN_SYSTEM + " USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT:");
    }

    @Test
    void should_render_llava_v0_in_the_paper_format() {
        assertThat(render("llava_v0", single("What is this?")))
                .isEqualTo(HUMAN_SYSTEM + "###Human: <image>\nWhat is this?###Assistant:");
        assertThat(render("llava_v0", twoTurns()))
                .isEqualTo(HUMAN_SYSTEM + "###Human: <image>\nQ1###Assistant: A1###Human: Q2###Assistant:");
        assertThat(ChatTemplates.byName("llava_v0").stopStrings()).containsExactly("###");
    }

    @Test
    void should_render_llava_hf_without_system_prompt_or_eos() {
        assertThat(render("llava_hf", single("What are these?")))
                .isEqualTo("USER: <image>\nWhat are these? ASSISTANT:");
        assertThat(render("llava_hf", twoTurns())).isEqualTo("USER: <image>\nQ1 ASSISTANT: A1 USER: Q2 ASSISTANT:");
        Conversation system = Conversation.builder().system("Be brief.").user("Hi", 2).build();
        assertThat(render("llava_hf", system)).isEqualTo("Be brief. USER: <image>\n<image>\nHi ASSISTANT:");
        assertThat(ChatTemplates.byName("llava_hf").stopStrings()).isEmpty();
    }

    @Test
    void should_render_plain_as_captioning() {
        assertThat(render("plain", single(""))).isEqualTo("<image>");
        assertThat(render("plain", Conversation.builder().user("", 1).assistant("a cat").user("", 1).build()))
                .isEqualTo("<image>a cat\n<image>");
    }

    @Test
    void should_list_names_and_reject_unknown_ones() {
        assertThat(ChatTemplates.names()).contains("vicuna_v1", "llava_v1", "llava_v0", "plain", "llava_hf");
        assertThatThrownBy(() -> ChatTemplates.byName("chatml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chatml")
                .hasMessageContaining("vicuna_v1");
    }

    @Test
    void should_tokenize_chunks_separately_with_one_image_id_per_image() {
        PromptTokens tokens = ChatTemplates.byName("vicuna_v1")
                .encode(single("What is in the image?"), tokenizer, IMG);
        int[] expected = concat(new int[] {1}, tokenizer.encode(USER_SYSTEM + " USER: "), new int[] {IMG},
                tokenizer.encode("\nWhat is in the image? ASSISTANT:"));
        assertThat(tokens.ids()).containsExactly(expected);
        assertThat(tokens.imagePositions()).containsExactly(1 + tokenizer.encode(USER_SYSTEM + " USER: ").length);
    }

    @Test
    void should_write_the_template_separator_as_the_real_eos_id() {
        PromptTokens tokens = ChatTemplates.byName("vicuna_v1").encode(twoTurns(), tokenizer, IMG);
        int[] expected = concat(new int[] {1}, tokenizer.encode(USER_SYSTEM + " USER: "), new int[] {IMG},
                tokenizer.encode("\nQ1 ASSISTANT: A1"), new int[] {2}, tokenizer.encode("USER: Q2 ASSISTANT:"));
        assertThat(tokens.ids()).containsExactly(expected);
    }

    @Test
    void should_place_several_images_in_order() {
        Conversation conversation = Conversation.builder().system("").user("Compare", 3).assistant("Same")
                .user("And this?", 1).build();
        PromptTokens tokens = ChatTemplates.byName("vicuna_v1").encode(conversation, tokenizer, IMG);
        int[] ids = tokens.ids();
        int[] positions = tokens.imagePositions();
        assertThat(positions).hasSize(4);
        assertThat(IntStream.range(0, ids.length).filter(i -> ids[i] == IMG).toArray()).containsExactly(positions);
        int newline = tokenizer.encode("\n").length;
        assertThat(positions[1] - positions[0]).isEqualTo(1 + newline);
        assertThat(positions[2] - positions[1]).isEqualTo(1 + newline);
        int[] expected = concat(new int[] {1}, tokenizer.encode("USER: "), new int[] {IMG}, tokenizer.encode("\n"),
                new int[] {IMG}, tokenizer.encode("\n"), new int[] {IMG},
                tokenizer.encode("\nCompare ASSISTANT: Same"), new int[] {2}, tokenizer.encode("USER: "),
                new int[] {IMG}, tokenizer.encode("\nAnd this? ASSISTANT:"));
        assertThat(ids).containsExactly(expected);
    }

    @Test
    void should_keep_typed_special_tokens_as_text_in_every_template() {
        Conversation sneaky = Conversation.builder().user("<image> and </s> and <s>", 1).assistant("ok </s>")
                .user("again <image>", 0).build();
        for (String name : ChatTemplates.names()) {
            PromptTokens tokens = ChatTemplates.byName(name).encode(sneaky, tokenizer, IMG);
            int[] ids = tokens.ids();
            assertThat(Arrays.stream(ids).filter(id -> id == IMG).count()).as(name).isEqualTo(1);
            assertThat(Arrays.stream(ids).filter(id -> id == 1).count()).as(name).isEqualTo(1);
            long eos = Arrays.stream(ids).filter(id -> id == 2).count();
            assertThat(eos).as(name).isEqualTo(name.equals("vicuna_v1") || name.equals("llava_v1") ? 1 : 0);
            assertThat(ids[0]).as(name).isEqualTo(1);
        }
    }

    @Test
    void should_render_finished_exchanges_without_generation_prompt_as_training_strings() {
        Conversation finished = Conversation.builder().user("Q1", 1).assistant("A1").user("Q2", 0).assistant("A2")
                .build();
        assertThat(ChatTemplates.DEFAULT.renderText(finished, false))
                .isEqualTo(USER_SYSTEM + " USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2</s>");
        assertThat(ChatTemplates.byName("llava_v0").renderText(finished, false))
                .isEqualTo(HUMAN_SYSTEM + "###Human: <image>\nQ1###Assistant: A1###Human: Q2###Assistant: A2###");
        assertThat(ChatTemplates.byName("llava_hf").renderText(finished, false))
                .isEqualTo("USER: <image>\nQ1 ASSISTANT: A1 USER: Q2 ASSISTANT: A2 ");
        Conversation caption = Conversation.builder().system("").user("", 1).assistant("a red circle").build();
        assertThat(ChatTemplates.byName("plain").renderText(caption, false)).isEqualTo("<image>a red circle\n");
        PromptTokens tokens = new LlavaPromptEncoder(tokenizer, IMG)
                .encode(ChatTemplates.DEFAULT.segments(finished, false));
        int[] ids = tokens.ids();
        assertThat(ids[ids.length - 1]).isEqualTo(2);
        assertThat(Arrays.stream(ids).filter(id -> id == 2).count()).isEqualTo(2);
    }

    @Test
    void should_reject_a_generation_prompt_after_an_answer_and_bad_turn_orders() {
        Conversation answered = Conversation.builder().user("Q", 0).assistant("A").build();
        assertThat(answered.awaitsAnswer()).isFalse();
        assertThatThrownBy(() -> ChatTemplates.DEFAULT.render(answered))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ASSISTANT");
        assertThatThrownBy(() -> Conversation.builder().assistant("A").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Conversation.builder().user("Q", -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(twoTurns().imageCount()).isEqualTo(1);
    }

    private static int[] concat(int[]... parts) {
        List<Integer> all = new ArrayList<>();
        for (int[] part : parts) {
            for (int id : part) {
                all.add(id);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }
}
