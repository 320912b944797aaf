package io.github.llava4j.finetune.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.finetune.teacher.ScriptedChatModel;
import io.github.llava4j.finetune.teacher.TeacherTestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchJudgeTest {
    private static final List<BenchQuestion> QUESTIONS = BenchQuestions.read(
            TeacherTestData.resource("bench/questions.jsonl"));
    private static final Map<String, String> ANSWERS = Map.of("q1", "Shapes.", "q2", "A circle.", "q3", "Fun.");

    @TempDir
    Path dir;

    private static BenchJudge judge(ScriptedChatModel model) {
        return BenchJudge.builder().judge(model).progressBar(false).retry(new RetryPolicy(2, Duration.ZERO)).build();
    }

    @Test
    void should_read_questions_with_normalised_categories_and_rendered_boxes() {
        assertThat(QUESTIONS).extracting(BenchQuestion::category).containsExactly("conversation", "detail", "complex");
        assertThat(QUESTIONS.get(1).context()).isEqualTo(
                "A red circle next to a blue square.\n\nred circle: [0.120, 0.300, 0.400, 0.550]");
    }

    @Test
    void should_show_context_question_reference_then_candidate() {
        ScriptedChatModel model = ScriptedChatModel.replaying("8 6\nok");
        judge(model).judge(QUESTIONS.get(0), "Shapes.");

        var messages = model.requests().get(0).messages();
        assertThat(messages.get(0)).isInstanceOf(SystemMessage.class);
        String user = ((UserMessage) messages.get(1)).singleText();
        assertThat(user).containsSubsequence("[Context]\nA red circle", "[Question]\nWhat shapes",
                "[Assistant 1]\nA red circle and a blue square.", "[End of Assistant 1]", "[Assistant 2]\nShapes.",
                "[End of Assistant 2]", "[System]\n");
    }

    @Test
    void should_save_raw_judgements_count_unparseable_and_resume() {
        Path out = dir.resolve("judgements.jsonl");
        ScriptedChatModel first = ScriptedChatModel.replaying("8 6\nfine", "Both are good.", "7, 7\nequal")
                .failingFirst(1);
        BenchReport report = judge(first).evaluate(QUESTIONS, ANSWERS, out);

        assertThat(report.row("conversation").relative()).isEqualTo(75.0);
        assertThat(report.row("detail").unparseable()).isEqualTo(1);
        assertThat(report.row(BenchReport.ALL).relative())
                .isCloseTo(13.0 / 15.0 * 100, org.assertj.core.api.Assertions.within(1e-9));
        var lines = JsonlJournal.readAll(out, false);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).path("review").asText()).isEqualTo("Both are good.");
        assertThat(lines.get(1).path("scores").toString()).isEqualTo("[-1.0,-1.0]");

        ScriptedChatModel second = ScriptedChatModel.replaying();
        BenchReport again = judge(second).evaluate(QUESTIONS, ANSWERS, out);
        assertThat(second.calls()).isZero();
        assertThat(again.rows()).isEqualTo(report.rows());
    }
}
