package io.github.llava4j.finetune.scienceqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.UserMessage;
import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.finetune.teacher.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScienceQaEvaluatorTest {
    @TempDir
    Path dir;

    @Test
    void should_ask_with_the_image_score_and_resume() throws Exception {
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("test/2"));
        Files.write(images.resolve("test/2/image.png"), new byte[] {1, 2, 3});
        List<SqaProblem> test = ScienceQaData.read(ScienceQaTest.PROBLEMS, ScienceQaTest.SPLITS, "test");
        ScriptedChatModel model = ScriptedChatModel.replaying("A", "The answer is A.", "gibberish");
        ScienceQaEvaluator evaluator = new ScienceQaEvaluator(model, images, true,
                new RetryPolicy(0, Duration.ZERO), false);
        Path predictions = dir.resolve("pred.jsonl");

        SqaScores scores = evaluator.evaluate(test, predictions);

        assertThat(scores.accuracy("all")).isCloseTo(100.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(scores.accuracy("IMG")).isEqualTo(100.0);
        UserMessage first = (UserMessage) model.requests().get(0).messages().get(0);
        assertThat(first.contents().get(0)).isInstanceOf(ImageContent.class);
        assertThat(JsonlJournal.readAll(predictions, false)).extracting(n -> n.path("prediction").asText())
                .containsExactly("A", "A", "FAILED");

        ScriptedChatModel none = ScriptedChatModel.replaying();
        SqaScores again = new ScienceQaEvaluator(none, images, true, new RetryPolicy(0, Duration.ZERO), false)
                .evaluate(test, predictions);
        assertThat(none.calls()).isZero();
        assertThat(again.format()).isEqualTo(scores.format());
    }

    @Test
    void should_name_a_missing_image() {
        SqaProblem p = ScienceQaData.read(ScienceQaTest.PROBLEMS, ScienceQaTest.SPLITS, "test").get(0);
        ScienceQaEvaluator evaluator = new ScienceQaEvaluator(ScriptedChatModel.replaying(), dir, true,
                new RetryPolicy(0, Duration.ZERO), false);
        assertThatThrownBy(() -> evaluator.message(p)).isInstanceOf(LlavaException.class)
                .hasMessageContaining("test/2/image.png");
    }
}
