package io.github.llava4j.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.finetune.train.MetricsLog;
import io.github.llava4j.finetune.train.TrainingFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FinetuneCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void should_run_stage1_then_stage2_on_its_output_and_export_loadable_models() {
        TrainingFixtures f = TrainingFixtures.write(dir);
        Path out1 = dir.resolve("stage1");
        Run first = run("stage1", "--model", f.model.toString(), "--data", f.captions.toString(), "--images",
                f.images.toString(), "--out", out1.toString(), "--batch-size", "2", "--epochs", "2", "--no-progress");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("trained 4 steps").contains("projector: ");
        assertThat(first.err()).contains("step 1/4 loss").contains("used 4");
        assertThat(out1.resolve("mm_projector.safetensors")).isRegularFile();
        assertThat(out1.resolve("loss.png")).isRegularFile();

        Path out2 = dir.resolve("stage2");
        Run second = run("stage2", "--model", out1.resolve("model").toString(), "--data", f.conversations.toString(),
                "--images", f.images.toString(), "--out", out2.toString(), "--batch-size", "4", "--max-steps", "2",
                "--lora-rank", "2", "--lora-targets", "q_proj,v_proj", "--lr", "1e-3", "--projector-lr", "2e-3",
                "--no-progress");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(MetricsLog.read(out2.resolve("metrics.jsonl"))).hasSize(2);
        try (LlavaEngine engine = Llava.load(out2.resolve("model"))) {
            assertThat(engine.config().text().hiddenSize()).isPositive();
        }
    }

    @Test
    void should_fail_with_one_line_naming_the_problem() throws Exception {
        TrainingFixtures f = TrainingFixtures.write(dir);
        Run missing = run("stage1", "--model", f.model.toString(), "--data", dir.resolve("nope.json").toString(),
                "--images", f.images.toString(), "--out", dir.resolve("o").toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nope.json").contains("not found");

        Run lora = run("stage2", "--model", f.model.toString(), "--data", f.conversations.toString(), "--images",
                f.images.toString(), "--out", dir.resolve("o2").toString(), "--lora-rank", "2", "--lora-targets",
                "qproj");
        assertThat(lora.code()).isNotZero();
        assertThat(lora.err()).contains("unknown LoRA target module 'qproj'");
        assertThat(Files.exists(dir.resolve("o2/model"))).isFalse();
    }
}
