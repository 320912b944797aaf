package io.github.llava4j.generate.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mask on a synthetic LLaMA-like vocabulary: 256 byte tokens, JSON-ish multi-byte pieces, random words. */
class JsonConstraintTest {
    private static final int EOS = 2;
    private static final JsonShape SHAPE = JsonShape.object(
            JsonShape.required("name", JsonShape.string()),
            JsonShape.required("age", JsonShape.integer()),
            JsonShape.required("colour", JsonShape.enumOf("red", "green")),
            JsonShape.required("tags", JsonShape.array(JsonShape.string())),
            JsonShape.optional("ok", JsonShape.bool()));
    private static final int[] PROMPT = {1, 40, 41, 42};

    static byte[][] pieces;
    static TokenVocabulary vocabulary;

    @BeforeAll
    static void vocabulary() {
        List<byte[]> list = new ArrayList<>();
        list.add(new byte[0]); // <unk>
        list.add(new byte[0]); // <s>
        list.add(new byte[0]); // </s>
        for (int b = 0; b < 256; b++) {
            list.add(new byte[] {(byte) b});
        }
        for (String s : new String[] {"{\"", "\":", "\": \"", "\",", "\", \"", "name", " name", "true", "false",
                " true", "red", "green", "\"]", "[\"", "}", "\"}", "123", " 4", "é", "🚀", "\\n", "\\u00"}) {
            list.add(s.getBytes(StandardCharsets.UTF_8));
        }
        Random random = new Random(7);
        String letters = "abcdefghijklmnopqrstuvwxyz \"{}[],:0123456789";
        while (list.size() < 32000) {
            int length = 1 + random.nextInt(10);
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? " " : "");
            for (int i = 0; i < length; i++) {
                sb.append(letters.charAt(random.nextInt(random.nextInt(5) == 0 ? letters.length() : 26)));
            }
            list.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        pieces = list.toArray(new byte[0][]);
        vocabulary = TokenVocabulary.of(pieces.length, id -> pieces[id], Set.of(EOS));
    }

    private static int[] concat(int[] prompt, List<Integer> answer) {
        int[] context = Arrays.copyOf(prompt, prompt.length + answer.size());
        for (int i = 0; i < answer.size(); i++) {
            context[prompt.length + i] = answer.get(i);
        }
        return context;
    }

    @Test
    void should_allow_exactly_the_tokens_that_continue_the_value_and_then_only_eos() throws Exception {
        JsonConstraint constraint = new JsonConstraint(SHAPE, vocabulary, 400);
        Random random = new Random(11);
        List<Integer> answer = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        JsonRecognizer reference = JsonRecognizer.start(SHAPE);
        for (int step = 0; step < 400; step++) {
            float[] logits = new float[pieces.length];
            constraint.process(logits, concat(PROMPT, answer));
            List<Integer> allowed = new ArrayList<>();
            for (int id = 0; id < logits.length; id++) {
                boolean fits = pieces[id].length > 0 && reference.accept(pieces[id]) != null;
                boolean expected = reference.isComplete() ? id == EOS : fits;
                if (step % 10 == 0 || reference.isComplete()) { // the brute-force check is slow; sample steps
                    assertThat(logits[id] != Float.NEGATIVE_INFINITY).as("token %d at step %d", id, step)
                            .isEqualTo(expected);
                }
                if (logits[id] != Float.NEGATIVE_INFINITY) {
                    allowed.add(id);
                }
            }
            int id = allowed.get(random.nextInt(allowed.size()));
            if (id == EOS) {
                break;
            }
            answer.add(id);
            text.writeBytes(pieces[id]);
            reference = reference.accept(pieces[id]);
        }
        assertThat(reference.isComplete()).isTrue();
        assertThat(ShapeMatcher.matches(new ObjectMapper().readTree(text.toByteArray()), SHAPE))
                .as(text.toString(StandardCharsets.UTF_8)).isTrue();
    }

    @Test
    void should_close_the_value_within_the_token_budget() throws Exception {
        for (int budget : new int[] {60, 80, 120}) {
            JsonConstraint constraint = new JsonConstraint(SHAPE, vocabulary, budget);
            Random random = new Random(budget);
            List<Integer> answer = new ArrayList<>();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            boolean stopped = false;
            for (int step = 0; step < budget && !stopped; step++) {
                float[] logits = new float[pieces.length];
                constraint.process(logits, concat(PROMPT, answer));
                // A rambling "model": strongly prefers letters, so strings would never close on their own.
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int id = 0; id < logits.length; id++) {
                    if (logits[id] == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    boolean letters = pieces[id].length > 0 && Character.isLetter(pieces[id][0]);
                    double score = random.nextDouble() + (letters ? 5 : 0) + (id == EOS ? 10 : 0);
                    if (score > bestScore) {
                        bestScore = score;
                        best = id;
                    }
                }
                if (best == EOS) {
                    stopped = true;
                } else {
                    answer.add(best);
                    text.writeBytes(pieces[best]);
                }
            }
            assertThat(stopped).as("EOS within %d tokens: %s", budget, text).isTrue();
            assertThat(ShapeMatcher.matches(new ObjectMapper().readTree(text.toByteArray()), SHAPE)).isTrue();
        }
    }

    @Test
    void should_leave_most_of_a_32000_token_vocabulary_open_inside_a_string() {
        JsonConstraint constraint = new JsonConstraint(SHAPE, vocabulary);
        List<Integer> answer = new ArrayList<>();
        byte[] prefix = "{\"name\": \"Bob the".getBytes(StandardCharsets.UTF_8);
        for (byte b : prefix) {
            answer.add(3 + (b & 0xFF));
        }
        constraint.process(new float[pieces.length], PROMPT); // the first call sees the prompt alone
        float[] logits = new float[pieces.length];
        constraint.process(logits, concat(PROMPT, answer)); // warm-up, and a step inside a string (most tokens fit)
        long allowed = 0;
        for (float logit : logits) {
            allowed += logit == 0 ? 1 : 0;
        }
        assertThat(allowed).isGreaterThan(20000);
        // Speed (1.6-3.5 ms per step here for 32,000 tokens inside a string) is a benchmark figure, not asserted.
    }

    @Test
    void should_refuse_a_context_it_did_not_allow() {
        JsonConstraint constraint = new JsonConstraint(SHAPE, vocabulary);
        constraint.process(new float[pieces.length], PROMPT);
        assertThatThrownBy(() -> constraint.process(new float[pieces.length], concat(PROMPT, List.of(3 + 'x'))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not continue");
        assertThatThrownBy(() -> new JsonConstraint(SHAPE, vocabulary, 10)).hasMessageContaining("too small");
    }

    @Test
    void should_offer_a_plain_json_mode() throws Exception {
        JsonConstraint constraint = JsonConstraint.forAnyJson(vocabulary, 50);
        float[] logits = new float[pieces.length];
        constraint.process(logits, PROMPT);
        assertThat(logits[3 + '{']).isZero();
        assertThat(logits[3 + '[']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[EOS]).isEqualTo(Float.NEGATIVE_INFINITY);
    }
}
