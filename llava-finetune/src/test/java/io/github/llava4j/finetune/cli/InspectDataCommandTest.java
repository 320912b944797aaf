package io.github.llava4j.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.TinyCheckpoints;
import io.github.llava4j.finetune.masking.MaskedSample;
import io.github.llava4j.finetune.masking.Template;
import io.github.llava4j.finetune.masking.LabelMasker;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.data.Turn;
import io.github.llava4j.text.LlavaTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectDataCommandTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path images;

    static final String GOOD = "{\"id\": \"a\", \"image\": \"a.png\", \"conversations\": ["
            + "{\"from\": \"human\", \"value\": \"What <image> is it?\"}, {\"from\": \"gpt\", \"value\": \"A cat.\"},"
            + "{\"from\": \"human\", \"value\": \"Color?\"}, {\"from\": \"gpt\", \"value\": \"Red.\"}]}";
    static final String TEXT = "{\"id\": \"t\", \"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"},"
            + " {\"from\": \"gpt\", \"value\": \"Hello\"}]}";
    static final String MISSING = "{\"id\": \"m\", \"image\": \"gone.png\", \"conversations\": ["
            + "{\"from\": \"human\", \"value\": \"<image>\"}, {\"from\": \"gpt\", \"value\": \"x\"}]}";

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyCheckpoints.write(Files.createDirectories(dir.resolve("model")), 1);
        images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("a.png"), new byte[] {1});
    }

    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FinetuneCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static Path data(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void should_print_one_json_line_per_sample_equal_to_the_masker() throws Exception {
        Path file = data("good.json", "[" + GOOD + "," + TEXT + "]");
        Result r = run("inspect-data", "--model", model.toString(), "--data", file.toString(), "--images",
                images.toString(), "--template", "v1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("id", "input_ids", "labels");
        assertThat(first.path("id").asText()).isEqualTo("a");
        try (LlavaTokenizer tok = LlavaTokenizer.load(model)) {
            MaskedSample want = LabelMasker.of(Template.V1, tok, 299, 2048).mask(new Sample("a", Optional.of("a.png"),
                    List.of(new Turn("human", "What <image> is it?"), new Turn("gpt", "A cat."),
                            new Turn("human", "Color?"), new Turn("gpt", "Red."))));
            assertThat(ints(first.path("input_ids"))).containsExactly(want.inputIds());
            assertThat(ints(first.path("labels"))).containsExactly(want.labels());
        }
        assertThat(ints(first.path("input_ids"))).containsOnlyOnce(299);
        assertThat(new ObjectMapper().readTree(lines.get(1)).path("id").asText()).isEqualTo("t");
        assertThat(r.err()).contains("read 2, used 2");
    }

    @Test
    void should_exit_1_with_one_line_naming_the_sample_on_bad_data() throws Exception {
        Path file = data("bad.json", "[" + GOOD + "," + MISSING + "]");
        Result r = run("inspect-data", "--model", model.toString(), "--data", file.toString(), "--images",
                images.toString(), "--template", "plain", "--json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).hasSize(1);
        // GOOD has 4 turns: plain rejects it first.
        assertThat(r.err()).startsWith("llava-finetune: error: sample a: template_mismatch");
    }

    @Test
    void should_skip_and_report_bad_samples_with_skip_bad() throws Exception {
        String plainOk = "{\"id\": \"p\", \"image\": \"a.png\", \"conversations\": ["
                + "{\"from\": \"human\", \"value\": \"<image>\\nDescribe\"}, {\"from\": \"gpt\", \"value\": \"A cat.\"}]}";
        Path file = data("mixed.json", "[" + GOOD + "," + MISSING + "," + plainOk + "]");
        Result r = run("inspect-data", "--model", model.toString(), "--data", file.toString(), "--images",
                images.toString(), "--template", "plain", "--skip-bad", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("{\"id\":\"p\""));
        assertThat(r.err()).contains("read 3, used 2; image_missing 1 (e.g. m), template_mismatch 1 (e.g. a)");
    }

    @Test
    void should_count_tokenization_mismatches_and_print_text_lines() throws Exception {
        Path file = data("mismatch.json", "[" + GOOD + "," + TEXT + "]");
        Result r = run("inspect-data", "--model", model.toString(), "--data", file.toString(), "--images",
                images.toString(), "--template", "v1", "--non-legacy-offsets");
        assertThat(r.code()).as(r.err()).isZero();
        // Two rounds: the -1 offsets of round 2 leave cur one short of the length, the whole sample is masked.
        assertThat(r.out().lines().toList()).hasSize(2);
        assertThat(r.out().lines().toList().get(0)).matches("a: \\d+ tokens, 0 learned \\(tokenization mismatch: all masked\\)");
        assertThat(r.out().lines().toList().get(1)).matches("t: \\d+ tokens, [1-9]\\d* learned");
        assertThat(r.err()).contains("read 2, used 2; tokenization_mismatch 1 (e.g. a)");
    }

    @Test
    void should_exit_1_on_unknown_template_and_missing_file() throws Exception {
        Path file = data("one.json", "[" + TEXT + "]");
        Result bad = run("inspect-data", "--model", model.toString(), "--data", file.toString(), "--images",
                images.toString(), "--template", "llama_2", "--json");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("llava-finetune: error: unknown template 'llama_2', expected plain, v1 or v0\n");
        Result none = run("inspect-data", "--model", model.toString(), "--data", dir.resolve("x.json").toString(),
                "--images", images.toString(), "--template", "v1", "--json");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("x.json: data file not found");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
