package io.github.llava4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.llava4j.DjlDefaults;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares llava4j's prompt tokenization with what the unmodified tokenizer.json does when Hugging Face code uses it
 * directly (the llava-hf path: one rendered string, {@code <image>} matched as an added token, BOS from the
 * post-processor).
 */
class HfParityTest {
    private static final LlavaTokenizer tokenizer = TinyTokenizers.shared();
    private static HuggingFaceTokenizer hf;

    @BeforeAll
    static void loadPlainTokenizer() throws Exception {
        DjlDefaults.apply();
        Path file = TinyTokenizers.folder().resolve("tokenizer.json");
        hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "true", "truncation", "false",
                "padding", "false", "maxLength", "1000000"));
    }

    @AfterAll
    static void close() {
        hf.close();
    }

    private static int[] hfIds(String text, boolean addSpecial) {
        return Arrays.stream(hf.encode(text, addSpecial, false).getIds()).mapToInt(l -> (int) l).toArray();
    }

    @Test
    void should_add_bos_through_the_post_processor_like_add_bos_token() {
        int[] ids = hfIds("The image", true);
        assertThat(ids[0]).isEqualTo(1);
        assertThat(Arrays.copyOfRange(ids, 1, ids.length)).containsExactly(tokenizer.encode("The image"));
        assertThat(ids).doesNotContain(2);
    }

    @Test
    void should_encode_llava_hf_prompts_as_transformers_does_with_one_string() {
        Conversation[] conversations = {
            Conversation.builder().user("What are these?", 1).build(),
            Conversation.builder().user("Compare the two", 2).assistant("Both are red.").user("And now?", 1).build(),
            Conversation.builder().system("Be brief.").user("Hi there", 0).build(),
        };
        ChatTemplate template = ChatTemplates.byName("llava_hf");
        for (Conversation conversation : conversations) {
            String rendered = template.render(conversation);
            int[] ours = template.encode(conversation, tokenizer, TinyTokenizers.IMAGE).ids();
            assertThat(ours).as(rendered).containsExactly(hfIds(rendered, true));
        }
    }

    @Test
    void should_match_transformers_for_template_eos_in_vicuna_prompts() {
        Conversation conversation = Conversation.builder().user("Q1", 1).assistant("A1").user("Q2", 0).build();
        ChatTemplate template = ChatTemplates.DEFAULT;
        String rendered = template.render(conversation);
        assertThat(template.encode(conversation, tokenizer, TinyTokenizers.IMAGE).ids())
                .containsExactly(hfIds(rendered, true));
    }

    @Test
    void should_keep_user_typed_tokens_as_text_where_transformers_would_not() {
        Conversation sneaky = Conversation.builder().user("say </s> now", 0).build();
        ChatTemplate template = ChatTemplates.byName("llava_hf");
        assertThat(hfIds(template.render(sneaky), true)).contains(2);
        assertThat(template.encode(sneaky, tokenizer, TinyTokenizers.IMAGE).ids()).doesNotContain(2);
    }

    @Test
    void should_encode_segments_directly_with_positions() {
        LlavaPromptEncoder encoder = new LlavaPromptEncoder(tokenizer, TinyTokenizers.IMAGE);
        PromptTokens tokens = encoder.encode(List.of(new PromptSegment.Image(), new PromptSegment.Text("\nx"),
                new PromptSegment.Special("</s>"), new PromptSegment.Image(), new PromptSegment.Image()));
        int[] x = tokenizer.encode("\nx");
        int[] ids = tokens.ids();
        assertThat(ids[0]).isEqualTo(1);
        assertThat(ids[1]).isEqualTo(TinyTokenizers.IMAGE);
        assertThat(Arrays.copyOfRange(ids, 2, 2 + x.length)).containsExactly(x);
        assertThat(ids[2 + x.length]).isEqualTo(2);
        assertThat(tokens.imagePositions()).containsExactly(1, 3 + x.length, 4 + x.length);
        assertThat(ids).hasSize(5 + x.length);
    }
}
