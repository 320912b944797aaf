package io.github.llava4j.finetune.scienceqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.finetune.data.LlavaJsonReader;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.TeacherTestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScienceQaTest {
    static final Path PROBLEMS = TeacherTestData.resource("scienceqa/problems.json");
    static final Path SPLITS = TeacherTestData.resource("scienceqa/pid_splits.json");

    @TempDir
    Path dir;

    @Test
    void should_build_question_context_and_lettered_options() {
        List<SqaProblem> test = ScienceQaData.read(PROBLEMS, SPLITS, "test");
        assertThat(test).extracting(SqaProblem::pid).containsExactly("2", "3", "4");
        assertThat(SqaPrompt.question(test.get(0))).isEqualTo(
                "Which shape is shown?\nContext: Look at the picture.\nOptions: (A) circle (B) square");
        assertThat(SqaPrompt.question(test.get(1))).contains("\nContext: N/A\n");
        assertThat(test.get(0).imagePath()).isEqualTo("test/2/image.png");
    }

    @Test
    void should_write_answers_in_each_format() {
        SqaProblem whale = ScienceQaData.read(PROBLEMS, SPLITS, "train").get(0);
        assertThat(SqaPrompt.answer(whale, SqaPrompt.AnswerFormat.ANSWER)).isEqualTo("The answer is B.");
        assertThat(SqaPrompt.answer(whale, SqaPrompt.AnswerFormat.EXPLANATION_FIRST)).isEqualTo(
                "Mammals breathe air and feed their young milk. A whale is a mammal. The answer is B.");
        assertThat(SqaPrompt.answer(whale, SqaPrompt.AnswerFormat.ANSWER_FIRST)).startsWith("The answer is B. Mammals");
    }

    @Test
    void should_convert_to_llava_training_json_and_an_eval_file() throws Exception {
        Path train = dir.resolve("train.json");
        int n = ScienceQaConverter.writeTraining(ScienceQaData.read(PROBLEMS, SPLITS, "test"),
                SqaPrompt.AnswerFormat.EXPLANATION_FIRST, train);
        List<Sample> samples = new ArrayList<>();
        new LlavaJsonReader(null, false).read(train, samples::add);
        assertThat(n).isEqualTo(3);
        assertThat(samples.get(0).image()).contains("test/2/image.png");
        assertThat(samples.get(0).conversations().get(0).value()).startsWith("<image>\nWhich shape");
        assertThat(samples.get(1).image()).isEmpty();
        assertThat(samples.get(1).conversations().get(0).value()).doesNotContain("<image>");
        assertThat(samples.get(2).conversations().get(1).value()).isEqualTo("The answer is B.");

        Path eval = dir.resolve("test.jsonl");
        ScienceQaConverter.writeEvaluation(ScienceQaData.read(PROBLEMS, SPLITS, "test"), true, eval);
        List<JsonNode> rows = JsonlJournal.readAll(eval, false);
        assertThat(rows.get(0).path("text").asText()).endsWith("\n" + SqaPrompt.LETTER_ONLY);
        assertThat(rows.get(0).path("answer").asText()).isEqualTo("A");
        assertThat(rows.get(1).has("image")).isFalse();
    }

    @Test
    void should_extract_answers_as_llava_does() {
        assertThat(AnswerExtractor.extract("B")).contains("B");
        assertThat(AnswerExtractor.extract(" C\n")).contains("C");
        assertThat(AnswerExtractor.extract("A. circle")).contains("A");
        assertThat(AnswerExtractor.extract("Because... The answer is D.")).contains("D");
        assertThat(AnswerExtractor.extract("The answer is A. No, The answer is B.")).isEmpty();
        assertThat(AnswerExtractor.extract("I think it is the circle")).isEmpty();
        assertThat(AnswerExtractor.extract("The answer is (C).")).contains("C");
        assertThat(AnswerExtractor.extract("The answer is B")).isEmpty(); // no character after the letter
        assertThat(AnswerExtractor.extract(null)).isEmpty();
        assertThat(AnswerExtractor.choiceIndex("D", 2)).isEqualTo(-1);
        assertThat(AnswerExtractor.choiceIndex("The answer is B.", 2)).isEqualTo(1);
    }

    @Test
    void should_score_per_subject_modality_and_grade() {
        List<SqaProblem> test = ScienceQaData.read(PROBLEMS, SPLITS, "test");
        SqaScores scores = new SqaScores();
        scores.add(test.get(0), true);  // NAT, TXT+IMG, G7-12
        scores.add(test.get(1), false); // LAN, NO, G1-6
        scores.add(test.get(2), true);  // SOC, TXT, G7-12

        assertThat(scores.accuracy("all")).isCloseTo(200.0 / 3, within(1e-9));
        assertThat(scores.accuracy("NAT")).isEqualTo(100.0);
        assertThat(scores.accuracy("LAN")).isEqualTo(0.0);
        assertThat(scores.count("TXT")).isEqualTo(2);
        assertThat(scores.count("IMG")).isEqualTo(1);
        assertThat(scores.accuracy("NO")).isEqualTo(0.0);
        assertThat(scores.accuracy("G7-12")).isEqualTo(100.0);
        assertThat(scores.accuracy("G1-6")).isEqualTo(0.0);
        assertThat(scores.format()).contains("G7-12").contains("66.67%");
    }

    @Test
    void should_read_the_fixture_as_json() throws Exception {
        assertThat(new ObjectMapper().readTree(PROBLEMS.toFile()).size()).isEqualTo(4);
    }
}
