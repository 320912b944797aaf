package io.github.llava4j.finetune.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.llava4j.finetune.data.BadDataException;
import io.github.llava4j.finetune.data.BadDataReason;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.data.Turn;
import io.github.llava4j.text.LlavaTokenizer;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masks of every template equal those of tools/reference/masks_reference.py (an independent Python
 * reimplementation of train.py) on the committed fixture, using the real tiny tokenizer.
 */
class LabelMaskerFixtureTest {
    @TempDir
    static Path dir;

    static LlavaTokenizer tok;
    static JsonNode chunks;
    static Map<String, JsonNode> expected = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        tok = MaskFixtureCases.tokenizer(dir);
        chunks = read("/masks/chunks.json");
        for (JsonNode c : read("/masks/expected.json").path("cases")) {
            expected.put(c.path("id").asText(), c);
        }
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    private static JsonNode read(String resource) throws Exception {
        try (InputStream in = LabelMaskerFixtureTest.class.getResourceAsStream(resource)) {
            return MaskFixtureCases.JSON.readTree(in);
        }
    }

    @Test
    void should_use_the_same_cases_as_the_generator_and_tokenizer_as_the_table() {
        assertThat(chunks.path("cases")).isEqualTo(MaskFixtureCases.cases());
        chunks.path("tokens").fields().forEachRemaining(e -> assertThat(tok.encode(e.getKey()))
                .as("encode(%s)", e.getKey()).containsExactly(ints(e.getValue())));
    }

    @Test
    void should_equal_the_python_reference_for_every_case() {
        List<String> templates = new ArrayList<>();
        for (JsonNode c : chunks.path("cases")) {
            Sample sample = MaskFixtureCases.toSample(c.path("sample"));
            MaskedSample got = MaskFixtureCases.masker(c, tok::encode, tok).mask(sample);
            JsonNode want = expected.get(sample.id());
            assertThat(got.inputIds()).as("%s input_ids", sample.id()).containsExactly(ints(want.path("input_ids")));
            assertThat(got.labels()).as("%s labels", sample.id()).containsExactly(ints(want.path("labels")));
            assertThat(got.tokenizationMismatch()).as("%s mismatch", sample.id())
                    .isEqualTo(want.path("tokenization_mismatch").asBoolean());
            templates.add(c.path("template").asText());
        }
        assertThat(templates).filteredOn("plain"::equals).hasSizeGreaterThanOrEqualTo(3);
        assertThat(templates).filteredOn("v1"::equals).hasSizeGreaterThanOrEqualTo(3);
        assertThat(templates).filteredOn("v0"::equals).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void should_learn_exactly_each_answer_and_its_eos_in_v1() {
        Sample sample = new Sample("s", Optional.of("x.png"), List.of(new Turn("human", "Look <image> here"),
                new Turn("gpt", "A cat."), new Turn("human", "Color?"), new Turn("gpt", "Red.")));
        MaskedSample got = LabelMasker.of(Template.V1, tok, 299, 2048).mask(sample);
        assertThat(got.tokenizationMismatch()).isFalse();
        // Each contiguous learned run is one answer followed by its </s>.
        List<List<Integer>> runs = new ArrayList<>();
        List<Integer> run = null;
        for (int l : got.labels()) {
            if (l == MaskedSample.IGNORE_INDEX) {
                run = null;
            } else {
                if (run == null) {
                    run = new ArrayList<>();
                    runs.add(run);
                }
                run.add(l);
            }
        }
        assertThat(runs).hasSize(2);
        assertThat(runs).allSatisfy(r -> assertThat(r.get(r.size() - 1)).isEqualTo(tok.eosId()));
        assertThat(tok.decode(runs.get(0).stream().mapToInt(Integer::intValue).toArray())).isEqualTo("A cat.");
        assertThat(tok.decode(runs.get(1).stream().mapToInt(Integer::intValue).toArray())).isEqualTo("Red.");
        assertThat(got.inputIds()).containsOnlyOnce(299);
        assertThat(got.labels()[0]).isEqualTo(MaskedSample.IGNORE_INDEX);
    }

    @Test
    void should_move_the_image_to_the_front_of_the_turn() {
        List<Turn> moved = LabelMasker.moveImageToFront(List.of(new Turn("human", "  Look <image> here "),
                new Turn("gpt", "ok")));
        assertThat(moved.get(0).value()).isEqualTo("<image>\nLook  here");
        assertThat(moved.get(1).value()).isEqualTo("ok");
    }

    @Test
    void should_reject_samples_that_do_not_fit_plain() {
        Sample textOnly = new Sample("t", Optional.empty(), List.of(new Turn("human", "hi"), new Turn("gpt", "yo")));
        assertThatThrownBy(() -> LabelMasker.of(Template.PLAIN, tok, 299, 64).mask(textOnly))
                .isInstanceOfSatisfying(BadDataException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadDataReason.TEMPLATE_MISMATCH))
                .hasMessageContaining("sample t").hasMessageContaining("exactly 2 turns");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
