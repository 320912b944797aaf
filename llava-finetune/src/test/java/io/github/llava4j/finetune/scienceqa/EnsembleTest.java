package io.github.llava4j.finetune.scienceqa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import io.github.llava4j.finetune.teacher.ScriptedChatModel;
import org.junit.jupiter.api.Test;

class EnsembleTest {
    private static final UserMessage QUESTION = UserMessage.from(
            ImageContent.from("iVBORw0KGgo=", "image/png"), TextContent.from("Which? (A) x (B) y"));

    @Test
    void complement_should_use_the_text_model_unless_it_gives_no_answer() {
        ScriptedChatModel text = ScriptedChatModel.replaying("The answer is A.", "I am not sure.");
        ScriptedChatModel vision = ScriptedChatModel.replaying("B");
        ComplementEnsemble ensemble = new ComplementEnsemble(text, vision, AnswerExtractor::extract);

        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("The answer is A.");
        assertThat(vision.calls()).isZero();
        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("B");
        assertThat(ensemble.fallbacks()).isEqualTo(1);
        // the text-only model never sees the image
        assertThat(text.requests()).allSatisfy(r -> assertThat(((UserMessage) r.messages().get(0)).singleText())
                .isEqualTo("Which? (A) x (B) y"));
        assertThat(vision.requests().get(0).messages().get(0)).isEqualTo(QUESTION);
    }

    @Test
    void judge_should_keep_agreeing_answers_without_a_requery() {
        ScriptedChatModel text = ScriptedChatModel.replaying("The answer is B.");
        ChatModel ensemble = new JudgeEnsemble(text, ScriptedChatModel.replaying("B"), AnswerExtractor::extract);
        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("B");
        assertThat(text.calls()).isEqualTo(1);
    }

    @Test
    void judge_should_requery_the_text_model_with_both_answers_when_they_disagree() {
        ScriptedChatModel text = ScriptedChatModel.replaying("The answer is A.", "On reflection, The answer is B.");
        JudgeEnsemble ensemble = new JudgeEnsemble(text, ScriptedChatModel.replaying("B"), AnswerExtractor::extract);

        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("On reflection, The answer is B.");
        assertThat(ensemble.requeries()).isEqualTo(1);
        String requery = ((UserMessage) text.requests().get(1).messages().get(0)).singleText();
        assertThat(requery).startsWith("Which? (A) x (B) y").contains("Assistant 1: The answer is A.")
                .contains("Assistant 2 (which could see the image): B");
    }

    @Test
    void judge_should_fall_back_to_the_vision_answer_when_the_requery_is_unreadable() {
        ScriptedChatModel text = ScriptedChatModel.replaying("The answer is A.", "Hard to say.");
        ChatModel ensemble = new JudgeEnsemble(text, ScriptedChatModel.replaying("B"), AnswerExtractor::extract);
        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("B");
    }

    @Test
    void judge_should_take_the_only_readable_answer() {
        ChatModel ensemble = new JudgeEnsemble(ScriptedChatModel.replaying("The answer is A."),
                ScriptedChatModel.replaying("dunno"), AnswerExtractor::extract);
        assertThat(ensemble.chat(QUESTION).aiMessage().text()).isEqualTo("The answer is A.");
    }
}
