package io.github.llava4j.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.TinyCheckpoints;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.judge.BenchAnswers;
import io.github.llava4j.finetune.judge.BenchJudge;
import io.github.llava4j.finetune.judge.BenchQuestion;
import io.github.llava4j.finetune.judge.BenchQuestions;
import io.github.llava4j.finetune.judge.BenchReport;
import io.github.llava4j.finetune.judge.JudgePrompt;
import io.github.llava4j.finetune.teacher.CocoAnnotations;
import io.github.llava4j.finetune.teacher.GenerationSummary;
import io.github.llava4j.finetune.teacher.ImageAnnotation;
import io.github.llava4j.finetune.teacher.InstructionGenerator;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.finetune.teacher.TeacherPrompt;
import io.github.llava4j.finetune.teacher.TeacherTestData;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher, judge and ScienceQA pipelines with the project's own LlavaChatModel on a tiny random checkpoint: the
 * replies are garbage, so these tests check that everything runs, counts what it cannot parse and writes valid files.
 * Short prompts keep the tiny model's 1024-position context enough.
 */
class TeacherJudgeEndToEndTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path images;
    static Path sqaImages;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyCheckpoints.write(Files.createDirectories(dir.resolve("tiny")), 3);
        images = Files.createDirectories(dir.resolve("coco"));
        png(images.resolve("000000000101.png"), Color.RED);
        png(images.resolve("000000000102.png"), Color.GREEN);
        sqaImages = Files.createDirectories(dir.resolve("sqa/images"));
        png(Files.createDirectories(sqaImages.resolve("test/2")).resolve("image.png"), Color.BLUE);
    }

    private static void png(Path file, Color color) throws Exception {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(4, 4, 20, 20);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static LlavaChatModel tiny() {
        return LlavaChatModel.builder().modelPath(model).maxOutputTokens(8).temperature(0.0).build();
    }

    record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FinetuneCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void should_generate_data_with_a_llava_teacher_and_count_what_does_not_parse() {
        List<ImageAnnotation> annotations = CocoAnnotations.read(TeacherTestData.resource("coco/captions_tiny.json"),
                TeacherTestData.resource("coco/instances_tiny.json")).subList(0, 1);
        Path out = dir.resolve("gen/instruct.json");
        GenerationSummary summary;
        try (LlavaChatModel teacher = tiny()) {
            InstructionGenerator.Builder builder = InstructionGenerator.builder().teacher(teacher)
                    .progressBar(false).concurrency(2).retry(new RetryPolicy(0, Duration.ZERO));
            for (ResponseType t : ResponseType.values()) {
                builder.prompt(t, new TeacherPrompt("Answer briefly.", List.of()));
            }
            summary = builder.build().generate(annotations, out);
        }

        int generated = 0;
        int malformed = 0;
        for (ResponseType t : ResponseType.values()) {
            GenerationSummary.Counts c = summary.counts(t);
            assertThat(c.failed()).as("teacher calls of %s failing", t).isZero();
            generated += c.generated();
            malformed += c.malformed();
        }
        assertThat(generated + malformed).isEqualTo(3);
        List<Sample> samples = new ArrayList<>();
        new LlavaJsonReader(images, false).read(out, samples::add);
        assertThat(samples).hasSize(generated).hasSize(summary.written());
        assertThat(InstructionGenerator.journalFor(out)).exists();
    }

    @Test
    void should_answer_and_judge_bench_questions_with_llava_models() {
        List<BenchQuestion> questions = BenchQuestions.read(TeacherTestData.resource("bench/questions.jsonl"));
        Path answers = dir.resolve("bench/answers.jsonl");
        Path judgements = dir.resolve("bench/judgements.jsonl");
        BenchReport report;
        try (LlavaChatModel llava = tiny()) {
            RetryPolicy retry = new RetryPolicy(0, Duration.ZERO);
            Map<String, String> answered = BenchAnswers.collect(llava, questions, images, answers, retry, false);
            report = BenchJudge.builder().judge(llava).retry(retry).progressBar(false)
                    .prompt(new JudgePrompt("Rate.", "Two scores, 1 to 10."))
                    .build().evaluate(questions, answered, judgements);
        }
        BenchReport.Row all = report.row(BenchReport.ALL);
        assertThat(all.questions()).isEqualTo(3);
        assertThat(all.unparseable()).isBetween(0, 3);
        assertThat(JsonlJournal.readAll(answers, false)).hasSize(3);
        assertThat(JsonlJournal.readAll(judgements, false)).hasSize(3)
                .allSatisfy(j -> assertThat(j.path("review").isTextual()).isTrue());
    }

    @Test
    void should_run_generate_data_from_the_command_line() throws Exception {
        Path out = dir.resolve("cli-gen/out.json");
        Result r = cli("generate-data", "--captions", TeacherTestData.resource("coco/captions_tiny.json").toString(),
                "--instances", TeacherTestData.resource("coco/instances_tiny.json").toString(),
                "--teacher-model", model.toString(), "--out", out.toString(), "--limit", "1", "--types", "detail",
                "--few-shot", "0", "--max-output-tokens", "8", "--max-retries", "0", "--no-progress");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("detail").contains("samples in output:");
        assertThat(r.out()).containsPattern("detail +\\d+ +0 +\\d+ +0"); // no teacher call failed
        JsonNode list = new ObjectMapper().readTree(out.toFile());
        assertThat(list.isArray()).isTrue();
    }

    @Test
    void should_run_eval_bench_from_the_command_line() {
        Path out = dir.resolve("cli-bench");
        Result r = cli("eval-bench", "--model", model.toString(), "--judge-model", model.toString(),
                "--questions", TeacherTestData.resource("bench/questions.jsonl").toString(),
                "--images", images.toString(), "--out", out.toString(), "--max-output-tokens", "8",
                "--max-retries", "0", "--no-progress");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("relative").contains("all");
        // the built-in judge prompt fits the tiny model's context: every judge call returned a reply
        assertThat(JsonlJournal.readAll(out.resolve("judgements.jsonl"), false)).hasSize(3)
                .allSatisfy(j -> assertThat(j.path("review").isTextual()).isTrue());
    }

    @Test
    void should_convert_and_evaluate_scienceqa_with_an_ensemble_from_the_command_line() throws Exception {
        Path problems = TeacherTestData.resource("scienceqa/problems.json");
        Path splits = TeacherTestData.resource("scienceqa/pid_splits.json");
        Path train = dir.resolve("sqa/train.json");
        Result convert = cli("scienceqa-convert", "--problems", problems.toString(), "--pid-splits",
                splits.toString(), "--split", "train", "--out", train.toString());
        assertThat(convert.code()).as(convert.err()).isZero();
        assertThat(new ObjectMapper().readTree(train.toFile())).hasSize(1);

        Path predictions = dir.resolve("sqa/pred.jsonl");
        Result eval = cli("scienceqa-eval", "--model", model.toString(), "--text-model", model.toString(),
                "--ensemble", "judge", "--problems", problems.toString(), "--pid-splits", splits.toString(),
                "--images", sqaImages.toString(), "--out", predictions.toString(), "--limit", "2",
                "--max-output-tokens", "8", "--max-retries", "0", "--no-progress");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("G7-12").contains("re-queried on disagreement");
        assertThat(JsonlJournal.readAll(predictions, false)).hasSize(2);
    }
}
