package io.github.llava4j.miniature.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.teacher.CocoAnnotations;
import io.github.llava4j.finetune.teacher.GenerationSummary;
import io.github.llava4j.finetune.teacher.InstructionGenerator;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.miniature.world.AnswerScorer;
import io.github.llava4j.miniature.world.DescriptionScorer;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.WorldConfig;
import io.github.llava4j.miniature.world.WorldWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldTeacherTest {
    @TempDir Path dir;

    private static final AnswerScorer SCORER = new AnswerScorer();

    private static final Pattern HOW_MANY_SHAPES = Pattern.compile("How many (shapes are there|objects are in the image)\\?");
    private static final Pattern RELATION = Pattern.compile("Is the (.+?) (left of|right of|above|below) the (.+)\\?");

    @Test
    void should_write_instructions_that_agree_with_the_pixels_annotation() throws Exception {
        WorldConfig world = WorldConfig.defaults();
        WorldWriter.Split split = new WorldWriter(world, 3).write(dir.resolve("world"), "train", 1, 40);
        Map<String, Scene> scenes = new HashMap<>();
        split.scenes().forEach(s -> scenes.put(Long.toString(s.id()), s));

        Path out = dir.resolve("instruct.json");
        GenerationSummary summary = InstructionGenerator.builder()
                .teacher(new WorldTeacher(world, 5))
                .boxesFor(EnumSet.allOf(ResponseType.class))
                .concurrency(2).seed(1).progressBar(false).build()
                .generate(CocoAnnotations.read(split.captionsFile(), split.instancesFile()), out);

        for (ResponseType type : ResponseType.values()) {
            assertThat(summary.counts(type).generated()).as(type.name()).isEqualTo(40);
            assertThat(summary.counts(type).malformed()).as(type.name()).isZero();
        }
        List<Sample> samples = new ArrayList<>();
        new LlavaJsonReader(split.dir().resolve("images"), false).read(out, samples::add);
        assertThat(samples).hasSize(120);

        DescriptionScorer descriptions = new DescriptionScorer(world);
        int checkedCounts = 0;
        int checkedRelations = 0;
        for (Sample sample : samples) {
            String imageId = sample.id().substring(0, sample.id().indexOf('_'));
            Scene scene = scenes.get(imageId);
            for (int i = 0; i + 1 < sample.conversations().size(); i += 2) {
                String question = sample.conversations().get(i).value().replace("<image>\n", "");
                String answer = sample.conversations().get(i + 1).value();
                if (sample.id().endsWith("_detail")) {
                    assertThat(descriptions.score(answer, scene).f1()).as(answer).isEqualTo(1.0);
                }
                if (HOW_MANY_SHAPES.matcher(question.lines().findFirst().orElseThrow()).matches()) {
                    assertThat(SCORER.isCorrect(answer, Integer.toString(scene.objects().size()))).as(answer).isTrue();
                    checkedCounts++;
                }
                Matcher m = RELATION.matcher(question.lines().findFirst().orElseThrow());
                if (m.matches()) {
                    boolean truth = holds(find(scene, m.group(1)), m.group(2), find(scene, m.group(3)));
                    assertThat(SCORER.isCorrect(answer, truth ? "yes" : "no")).as(question + " " + answer).isTrue();
                    checkedRelations++;
                }
            }
        }
        assertThat(checkedCounts).isPositive();
        assertThat(checkedRelations).isGreaterThan(10);
    }

    @Test
    void should_take_the_kinds_of_conversation_question_in_turn() throws Exception {
        WorldConfig world = WorldConfig.defaults();
        WorldWriter.Split split = new WorldWriter(world, 4).write(dir.resolve("world"), "train", 1, 60);
        Path out = dir.resolve("instruct.json");
        InstructionGenerator.builder()
                .teacher(new WorldTeacher(world, 10))
                .boxesFor(EnumSet.of(ResponseType.CONVERSATION))
                .types(EnumSet.of(ResponseType.CONVERSATION))
                .concurrency(2).seed(1).progressBar(false).build()
                .generate(CocoAnnotations.read(split.captionsFile(), split.instancesFile()), out);
        List<Sample> samples = new ArrayList<>();
        new LlavaJsonReader(split.dir().resolve("images"), false).read(out, samples::add);

        Map<String, Integer> kinds = new HashMap<>();
        int questions = 0;
        for (Sample sample : samples) {
            List<String> order = new ArrayList<>();
            for (int i = 0; i < sample.conversations().size(); i += 2) {
                order.add(kind(sample.conversations().get(i).value().replace("<image>\n", "").lines().findFirst()
                        .orElseThrow()));
            }
            // every scene offers at least a count and a colour question: the first two are of different kinds
            assertThat(order.get(1)).as(sample.id() + " " + order).isNotEqualTo(order.get(0));
            order.forEach(k -> kinds.merge(k, 1, Integer::sum));
            questions += order.size();
        }
        // drawn as they came, 51 % of the questions were counts and 7 % positions (a scene offers many counts)
        assertThat(kinds).containsOnlyKeys("count", "colour", "shape", "position", "relation");
        assertThat((double) kinds.get("count") / questions).isLessThan(0.46);
        assertThat((double) kinds.get("position") / questions).isGreaterThan(0.09);
    }

    private static String kind(String question) {
        return question.startsWith("How many") ? "count"
                : question.contains("colour") ? "colour"
                : question.startsWith("Where") || question.contains("part of the image") ? "position"
                : question.startsWith("Is the") ? "relation"
                : question.contains("shape") ? "shape" : "other: " + question;
    }

    @Test
    void should_phrase_answers_as_sentences_that_start_from_the_facts() {
        var q = new io.github.llava4j.miniature.world.EvalQuestion(1, io.github.llava4j.miniature.world.QuestionType.COUNT,
                "How many red shapes are there?", "1");
        assertThat(WorldTeacher.sentence(q)).isEqualTo("There is 1 red shape.");
        var r = new io.github.llava4j.miniature.world.EvalQuestion(1,
                io.github.llava4j.miniature.world.QuestionType.RELATION, "Is the red circle above the blue star?", "no");
        assertThat(WorldTeacher.sentence(r)).isEqualTo("No, the red circle is not above the blue star.");
    }

    private static SceneObject find(Scene scene, String category) {
        return scene.objects().stream().filter(o -> o.category().equals(category)).findFirst().orElseThrow();
    }

    private static boolean holds(SceneObject a, String relation, SceneObject b) {
        return switch (relation) {
            case "left of" -> a.box().centreX() < b.box().centreX();
            case "right of" -> a.box().centreX() > b.box().centreX();
            case "above" -> a.box().centreY() < b.box().centreY();
            default -> a.box().centreY() > b.box().centreY();
        };
    }
}
