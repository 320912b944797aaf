package io.github.llava4j.finetune.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstructionGeneratorTest {
    private static final List<ImageAnnotation> IMAGES = CocoAnnotations.read(
            TeacherTestData.resource("coco/captions_tiny.json"), TeacherTestData.resource("coco/instances_tiny.json"));

    @TempDir
    Path dir;

    static String typeOf(ChatRequest request) {
        String system = ((SystemMessage) request.messages().get(0)).text();
        return system.contains("Write a conversation") ? "conversation"
                : system.contains("challenging") ? "complex" : "detail";
    }

    static String goodReply(ChatRequest request) {
        return switch (typeOf(request)) {
            case "conversation" -> "Question:\nWhat is there?\n===\nAnswer:\nShapes.\n===\nQuestion:\nColors?\n===\n"
                    + "Answer:\nRed and blue.\n===";
            case "complex" -> "Question:\nWhy draw shapes?\n===\nAnswer:\nTo teach geometry.";
            default -> "A picture of simple shapes.";
        };
    }

    private static InstructionGenerator.Builder generator(ScriptedChatModel model) {
        return InstructionGenerator.builder().teacher(model).progressBar(false).concurrency(3)
                .retry(new RetryPolicy(3, Duration.ofMillis(1)));
    }

    private static List<Sample> readBack(Path out) {
        List<Sample> samples = new ArrayList<>();
        new LlavaJsonReader(null, false).read(out, samples::add);
        return samples;
    }

    @Test
    void should_send_system_message_few_shot_pairs_and_the_rendered_context() {
        ScriptedChatModel model = ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply);
        generator(model).concurrency(1).build().generate(IMAGES.subList(0, 1), dir.resolve("out.json"));

        assertThat(model.requests()).hasSize(3);
        for (ChatRequest request : model.requests()) {
            List<ChatMessage> m = request.messages();
            ResponseType type = ResponseType.parse(typeOf(request));
            TeacherPrompt prompt = TeacherPrompts.of(type);
            assertThat(m).hasSize(2 + 2 * prompt.examples().size());
            assertThat(m.get(0)).isInstanceOf(SystemMessage.class);
            assertThat(m.get(1)).isInstanceOf(UserMessage.class);
            assertThat(m.get(2)).isInstanceOf(AiMessage.class);
            String context = ((UserMessage) m.get(m.size() - 1)).singleText();
            assertThat(context).startsWith("A red circle next to a blue square.\nTwo shapes on a white background.");
            if (type.usesBoxes()) {
                assertThat(context).contains("red circle: [0.120, 0.300, 0.400, 0.550]");
            } else {
                assertThat(context).doesNotContain("[0.");
            }
        }
    }

    @Test
    void should_write_llava_json_with_ids_image_tags_and_a_summary() {
        Path out = dir.resolve("out.json");
        GenerationSummary summary = generator(ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply)).build()
                .generate(IMAGES, out);

        List<Sample> samples = readBack(out);
        assertThat(samples).extracting(Sample::id).containsExactly("101_conversation", "101_detail", "101_complex",
                "102_conversation", "102_detail", "102_complex");
        assertThat(samples.get(0).image()).contains("000000000101.png");
        assertThat(samples.get(0).conversations()).hasSize(4);
        assertThat(samples.get(0).conversations().get(0).value()).isEqualTo("<image>\nWhat is there?");
        assertThat(samples.get(2).conversations().get(1).value()).isEqualTo("To teach geometry.");
        assertThat(summary.counts(ResponseType.DETAIL)).isEqualTo(new GenerationSummary.Counts(2, 0, 0, 0));
        assertThat(summary.written()).isEqualTo(6);
        assertThat(summary.format()).contains("conversation").contains("samples in output: 6");
        assertThat(InstructionGenerator.journalFor(out)).exists();
    }

    @Test
    void should_retry_transient_errors_with_backoff() {
        ScriptedChatModel model = ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply).failingFirst(2);
        GenerationSummary summary = generator(model).concurrency(1).types(Set.of(ResponseType.DETAIL)).build()
                .generate(IMAGES, dir.resolve("out.json"));

        assertThat(summary.counts(ResponseType.DETAIL)).isEqualTo(new GenerationSummary.Counts(2, 0, 0, 0));
        assertThat(model.calls()).isEqualTo(4);
    }

    @Test
    void should_count_calls_failing_after_all_retries() {
        ScriptedChatModel model = ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply).failingFirst(3);
        GenerationSummary summary = generator(model).concurrency(1).retry(new RetryPolicy(1, Duration.ZERO))
                .types(Set.of(ResponseType.DETAIL)).build().generate(IMAGES, dir.resolve("out.json"));

        // image 101: fails twice (1 retry) -> failed; image 102: fails once, then succeeds
        assertThat(summary.counts(ResponseType.DETAIL)).isEqualTo(new GenerationSummary.Counts(1, 0, 0, 1));
        assertThat(summary.problems()).anySatisfy(p -> assertThat(p).startsWith("101_detail: failed"));
    }

    @Test
    void should_count_and_skip_malformed_replies() {
        ScriptedChatModel model = ScriptedChatModel.byRule(r -> typeOf(r).equals("complex") ? "no markers here"
                : goodReply(r));
        Path out = dir.resolve("out.json");
        GenerationSummary summary = generator(model).build().generate(IMAGES, out);

        assertThat(summary.counts(ResponseType.COMPLEX)).isEqualTo(new GenerationSummary.Counts(0, 0, 2, 0));
        assertThat(readBack(out)).extracting(Sample::id).doesNotContain("101_complex", "102_complex").hasSize(4);
    }

    @Test
    void should_resume_from_the_journal_of_a_killed_run() throws Exception {
        Path out = dir.resolve("out.json");
        // first run: every call about image 102 fails, as if the run had been killed before reaching it
        ScriptedChatModel flaky = ScriptedChatModel.byRule(r -> {
            if (((UserMessage) r.messages().get(r.messages().size() - 1)).singleText().contains("triangle")) {
                throw new IllegalStateException("connection reset");
            }
            return goodReply(r);
        });
        generator(flaky).retry(new RetryPolicy(0, Duration.ZERO)).build().generate(IMAGES, out);
        assertThat(readBack(out)).hasSize(3);
        // a kill in the middle of a write leaves a cut-off last line
        Files.writeString(InstructionGenerator.journalFor(out), "{\"id\": \"102_det", StandardOpenOption.APPEND);

        ScriptedChatModel good = ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply);
        GenerationSummary summary = generator(good).build().generate(IMAGES, out);

        assertThat(good.calls()).isEqualTo(3);
        assertThat(summary.counts(ResponseType.CONVERSATION)).isEqualTo(new GenerationSummary.Counts(1, 1, 0, 0));
        JsonNode list = new ObjectMapper().readTree(out.toFile());
        assertThat(list).hasSize(6);
        assertThat(list.get(3).path("id").asText()).isEqualTo("102_conversation");
        assertThat(Files.readAllLines(InstructionGenerator.journalFor(out))).hasSize(6);
    }

    @Test
    void should_use_only_the_asked_number_of_examples() {
        ScriptedChatModel model = ScriptedChatModel.byRule(InstructionGeneratorTest::goodReply);
        generator(model).fewShot(0).types(Set.of(ResponseType.COMPLEX)).build()
                .generate(IMAGES.subList(0, 1), dir.resolve("out.json"));
        assertThat(model.requests().get(0).messages()).hasSize(2);
    }
}
