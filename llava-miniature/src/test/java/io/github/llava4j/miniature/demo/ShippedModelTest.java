package io.github.llava4j.miniature.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.miniature.recipe.Evaluator;
import io.github.llava4j.miniature.world.EvalQuestion;
import io.github.llava4j.miniature.world.QuestionGenerator;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.WorldConfig;
import io.github.llava4j.miniature.world.WorldWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped miniature model as a regression test: its answers on a fixed set of generated scenes (never trained
 * on) are scored against the scenes' own annotation, and the demo agent runs end to end on it.
 */
class ShippedModelTest {
    /** Measured on this set when the model was made (docs/miniature.md); a few points of slack for other CPUs. */
    static final double MIN_OVERALL_ACCURACY = RegressionSet.MIN_OVERALL_ACCURACY;

    @TempDir static Path dir;
    static Path model;

    @BeforeAll
    static void extract() {
        model = ShippedModel.extractTo(dir.resolve("model"));
    }

    @Test
    void should_answer_the_regression_set_as_well_as_when_it_shipped() {
        WorldConfig world = WorldConfig.defaults();
        WorldWriter.Split split = new WorldWriter(world, RegressionSet.SEED).write(dir.resolve("world"), "regression",
                RegressionSet.FIRST_SCENE, RegressionSet.SCENES);
        QuestionGenerator generator = new QuestionGenerator(world, RegressionSet.SEED);
        List<EvalQuestion> questions = new ArrayList<>();
        for (Scene scene : split.scenes()) {
            questions.addAll(generator.sample(scene, 1));
        }
        Evaluator.Result result = new Evaluator(world, split.dir().resolve("images"), false)
                .evaluate("shipped", model, questions, split.scenes().subList(0, 5));

        assertThat(result.accuracy().overall().total()).isGreaterThanOrEqualTo(80);
        assertThat(result.accuracy().overall().fraction()).as(result.accuracy().toString())
                .isGreaterThanOrEqualTo(MIN_OVERALL_ACCURACY);
    }

    @Test
    void should_run_the_demo_agent_with_memory_streaming_and_a_tool_call() {
        StringWriter out = new StringWriter();
        MiniatureDemo.Transcript transcript = new MiniatureDemo(model, 1, 7).run(new PrintWriter(out));

        assertThat(transcript.answers()).isEqualTo(4);
        assertThat(transcript.toolCalls()).hasSize(1);
        assertThat(out.toString()).contains("USER: How many shapes are there?").contains("[tool call: hexCode(");
    }
}
