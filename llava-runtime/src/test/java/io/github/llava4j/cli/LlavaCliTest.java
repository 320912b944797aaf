package io.github.llava4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.TinyCheckpoints;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaCliTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path image;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyCheckpoints.write(dir.resolve("tiny"), 5);
        image = dir.resolve("cat.png");
        try (InputStream in = LlavaCliTest.class.getClassLoader().getResourceAsStream("images/chelsea.png")) {
            Files.write(image, in.readAllBytes());
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LlavaCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void should_print_the_json_contract_with_logprobs() throws Exception {
        Run run = run("generate", "--model", model.toString(), "--image", image.toString(), "--prompt", "What?",
                "--max-new-tokens", "5", "--json", "--logprobs", "2");
        assertThat(run.exit).as(run.err).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertThat(json.get("finish_reason").asText()).isIn("stop", "length");
        JsonNode prompt = json.get("prompt_token_ids");
        assertThat(prompt.get(0).asInt()).isEqualTo(1);
        long images = 0;
        for (JsonNode id : prompt) {
            images += id.asInt() == 299 ? 1 : 0;
        }
        assertThat(images).isEqualTo(1);
        JsonNode tokens = json.get("tokens");
        assertThat(tokens.size()).isBetween(1, 5);
        assertThat(tokens.get(0).get("top_logprobs").size()).isEqualTo(2);
        assertThat(tokens.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
        assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(prompt.size() + 3); // 4 image rows
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(tokens.size());
        assertThat(json.at("/timings/ttft_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(json.get("text").isTextual()).isTrue();
    }

    @Test
    void should_stream_text_without_json() {
        Run run = run("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "3",
                "--temperature", "0.7", "--seed", "1");
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).endsWith(System.lineSeparator());
        assertThat(run).isEqualTo(run("generate", "--model", model.toString(), "--prompt", "Hello",
                "--max-new-tokens", "3", "--temperature", "0.7", "--seed", "1"));
    }

    @Test
    void should_fail_with_one_line_for_a_missing_model() {
        Run run = run("generate", "--model", dir.resolve("missing").toString(), "--prompt", "x");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.strip()).doesNotContain("\n").contains("checkpoint folder not found");
    }

    @Test
    void should_fail_with_one_line_for_a_missing_image() {
        Run run = run("generate", "--model", model.toString(), "--image", dir.resolve("no.png").toString(),
                "--prompt", "x");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.strip()).doesNotContain("\n").contains("no.png: image file not found");
    }

    @Test
    void should_refuse_bf16_and_unknown_templates() {
        Run bf16 = run("generate", "--model", model.toString(), "--prompt", "x", "--dtype", "bf16");
        assertThat(bf16.exit).isEqualTo(1);
        assertThat(bf16.err).contains("bf16 is not supported");
        Run template = run("generate", "--model", model.toString(), "--prompt", "x", "--template", "nope");
        assertThat(template.exit).isEqualTo(1);
        assertThat(template.err).contains("unknown chat template 'nope'").contains("vicuna_v1");
    }

    @Test
    void should_reject_a_malformed_command_line_with_exit_2() {
        Run run = run("generate", "--prompt", "x");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("--model");
    }

    @Test
    void should_chat_over_several_turns_with_an_image() {
        String input = "/image " + image + "\nWhat is it?\nAnd now?\n/exit\n";
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            Run run = run("chat", "--model", model.toString(), "--max-new-tokens", "3");
            assertThat(run.exit).as(run.err).isZero();
            assertThat(run.out.split("ASSISTANT> ", -1)).hasSize(3);
            assertThat(run.err).contains("image attached");
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void should_write_a_random_checkpoint_that_generates(@TempDir Path out) throws Exception {
        Run write = run("random-checkpoint", "--preset", "tiny", "--out", out.toString(), "--dtype", "bf16",
                "--shards", "2", "--new-names");
        assertThat(write.exit).as(write.err).isZero();
        assertThat(out.resolve("model.safetensors.index.json")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();
        Run generate = run("generate", "--model", out.toString(), "--image", image.toString(), "--prompt", "x",
                "--max-new-tokens", "2", "--json");
        assertThat(generate.exit).as(generate.err).isZero();
    }

    @Test
    void should_bench_and_report_every_figure() throws Exception {
        Run run = run("bench", "--model", model.toString(), "--new-tokens", "4", "--copy-mib", "16", "--json");
        assertThat(run.exit).as(run.err).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out);
        for (String key : new String[] {"image_encode_ms", "prefill_tokens_per_s", "decode_tokens_per_s",
            "ttft_cold_ms", "ttft_cached_image_ms", "peak_rss_bytes", "copy_bandwidth_gb_per_s", "gemm_fp32_gflops",
            "decode_vs_roofline", "prefill_vs_gemm", "vision_vs_gemm"}) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.get("cached_request_reused_positions").asInt()).isPositive();
    }
}
