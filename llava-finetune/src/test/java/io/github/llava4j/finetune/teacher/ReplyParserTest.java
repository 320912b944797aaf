package io.github.llava4j.finetune.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.finetune.data.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyParserTest {
    @Test
    void should_parse_question_answer_blocks_with_separators() {
        List<QaPair> pairs = ReplyParser.parseQa("""
                Question:
                What color is the circle?
                ===
                Answer:
                It is red.
                ===
                Question:
                How many shapes?
                ===
                Answer:
                Two: a circle
                and a square.
                ===""");
        assertThat(pairs).containsExactly(new QaPair("What color is the circle?", "It is red."),
                new QaPair("How many shapes?", "Two: a circle\nand a square."));
    }

    @Test
    void should_accept_inline_markers_without_separators() {
        assertThat(ReplyParser.parseQa("question: Why?\nANSWER: Because."))
                .containsExactly(new QaPair("Why?", "Because."));
    }

    @Test
    void should_reject_missing_or_unbalanced_markers() {
        assertThatThrownBy(() -> ReplyParser.parseQa("just some text")).isInstanceOf(MalformedReplyException.class);
        assertThatThrownBy(() -> ReplyParser.parseQa("Question: one?\nQuestion: two?"))
                .isInstanceOf(MalformedReplyException.class);
        assertThatThrownBy(() -> ReplyParser.parseQa("Question: one?\nAnswer:\n===\n"))
                .isInstanceOf(MalformedReplyException.class).hasMessageContaining("empty answer");
        assertThatThrownBy(() -> ReplyParser.parseQa("   ")).isInstanceOf(MalformedReplyException.class);
    }

    @Test
    void should_turn_a_detail_reply_into_an_instruction_and_the_description() {
        List<Turn> turns = InstructionGenerator.turns("42", ResponseType.DETAIL, "  A red circle.  ", 7);
        assertThat(turns).hasSize(2);
        assertThat(turns.get(0).value()).startsWith("<image>\n");
        assertThat(DetailInstructions.ALL).contains(turns.get(0).value().substring("<image>\n".length()));
        assertThat(turns.get(1).value()).isEqualTo("A red circle.");
        // the pick depends only on seed and image id
        assertThat(InstructionGenerator.turns("42", ResponseType.DETAIL, "x", 7).get(0))
                .isEqualTo(InstructionGenerator.turns("42", ResponseType.DETAIL, "y", 7).get(0));
        assertThatThrownBy(() -> InstructionGenerator.turns("42", ResponseType.DETAIL, "Question: a\nAnswer: b", 7))
                .isInstanceOf(MalformedReplyException.class);
    }

    @Test
    void should_put_the_image_tag_only_in_the_first_human_turn() {
        List<Turn> turns = InstructionGenerator.turns("1", ResponseType.CONVERSATION,
                "Question: A?\n===\nAnswer: a\n===\nQuestion: B?\n===\nAnswer: b", 0);
        assertThat(turns).extracting(Turn::value).containsExactly("<image>\nA?", "a", "B?", "b");
        assertThat(turns).extracting(Turn::role).containsExactly("human", "gpt", "human", "gpt");
        assertThat(InstructionGenerator.turns("1", ResponseType.COMPLEX,
                "Question: A?\nAnswer: a\nQuestion: B?\nAnswer: b", 0)).hasSize(2);
    }

    @Test
    void should_spread_detail_instructions_over_the_list() {
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> DetailInstructions.pick(1, "img" + i)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }
}
