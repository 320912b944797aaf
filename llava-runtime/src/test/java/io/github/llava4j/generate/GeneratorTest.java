package io.github.llava4j.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    /** Vocabulary of the fake model: id -> text piece. 0 is EOS. */
    private static final Map<Integer, String> PIECES = Map.of(
            0, "", 1, "Hello", 2, " world", 3, " STO", 4, "P", 5, "!", 6, " S", 7, "T", 8, "OP");

    /** A model that emits a fixed script: the logits always favour the next id of the script strongly. */
    private static final class ScriptedModel implements LogitsSource {
        private final int[] script;
        private int position;
        final List<Integer> fed = new ArrayList<>();
        int prefills;

        ScriptedModel(int... script) {
            this.script = script;
        }

        @Override
        public float[] prefill() {
            prefills++;
            return next();
        }

        @Override
        public float[] step(int tokenId) {
            fed.add(tokenId);
            return next();
        }

        private float[] next() {
            float[] logits = new float[PIECES.size()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) Math.log(0.01);
            }
            logits[script[Math.min(position, script.length - 1)]] = (float) Math.log(0.9);
            position++;
            return logits;
        }
    }

    private static final class PieceDecoder implements TokenTextDecoder {
        @Override
        public String push(int tokenId) {
            return PIECES.get(tokenId);
        }

        @Override
        public String flush() {
            return "";
        }

        @Override
        public String tokenText(int tokenId) {
            return PIECES.get(tokenId);
        }
    }

    private static class Recorder implements GenerationListener {
        final StringBuilder streamed = new StringBuilder();
        final List<String> deltas = new ArrayList<>();

        @Override
        public void onToken(String delta, TokenInfo token) {
            deltas.add(delta);
            streamed.append(delta);
        }
    }

    private static GenerationResult run(ScriptedModel model, GenerationConfig config, Recorder recorder) {
        return Generator.generate(model, new PieceDecoder(), config, recorder, new int[] {1, 2}, 7);
    }

    @Test
    void should_stop_at_eos_and_leave_it_out_of_the_text() {
        ScriptedModel model = new ScriptedModel(1, 2, 5, 0, 1);
        Recorder recorder = new Recorder();
        GenerationResult result = run(model, GenerationConfig.builder().eosTokenIds(Set.of(0)).build(), recorder);
        assertThat(result.text()).isEqualTo("Hello world!");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.usage()).isEqualTo(new Usage(7, 4));
        assertThat(recorder.streamed.toString()).isEqualTo(result.text());
        assertThat(model.fed).containsExactly(1, 2, 5); // the EOS is never fed back
        assertThat(model.prefills).isEqualTo(1);
    }

    @Test
    void should_stop_after_max_new_tokens_with_length() {
        ScriptedModel model = new ScriptedModel(1, 2, 2, 2, 2, 2);
        Recorder recorder = new Recorder();
        GenerationResult result = run(model, GenerationConfig.builder().maxNewTokens(3).build(), recorder);
        assertThat(result.tokens()).hasSize(3);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.text()).isEqualTo("Hello world world");
        assertThat(model.fed).hasSize(2);
    }

    @Test
    void should_cancel_when_the_listener_asks_and_return_only_streamed_text() {
        // "Hello" " STO" then cancelled: " STO" is held back (prefix of " STOP") and must not appear.
        ScriptedModel model = new ScriptedModel(1, 3, 2, 2, 2);
        Recorder recorder = new Recorder() {
            @Override
            public boolean cancelled() {
                return deltas.size() == 2;
            }
        };
        GenerationResult result =
                run(model, GenerationConfig.builder().stopStrings(List.of(" STOP")).build(), recorder);
        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(result.tokens()).hasSize(2);
        assertThat(result.text()).isEqualTo("Hello");
        assertThat(recorder.streamed.toString()).isEqualTo(result.text());
        assertThat(model.fed).containsExactly(1); // the model is not stepped after cancellation
    }

    @Test
    void should_run_through_eos_when_asked_to_ignore_it() {
        ScriptedModel model = new ScriptedModel(1, 0, 0, 0);
        GenerationResult result = run(model,
                GenerationConfig.builder().maxNewTokens(4).eosTokenIds(Set.of(0)).ignoreEos(true).build(),
                new Recorder());
        assertThat(result.tokens()).hasSize(4);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void should_stop_at_a_stop_string_spanning_tokens_without_streaming_any_of_it() {
        // " STO" + "P" forms " STOP"; " S" + "T" + "OP" too.
        for (int[] script : new int[][] {{1, 2, 3, 4, 5}, {1, 6, 7, 8, 5}}) {
            ScriptedModel model = new ScriptedModel(script);
            Recorder recorder = new Recorder();
            GenerationResult result =
                    run(model, GenerationConfig.builder().stopStrings(List.of(" STOP")).build(), recorder);
            assertThat(result.text()).isIn("Hello world", "Hello");
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(recorder.streamed.toString()).isEqualTo(result.text());
            for (String delta : recorder.deltas) {
                assertThat(delta).doesNotContain("S");
            }
        }
    }

    @Test
    void should_release_a_held_back_prefix_that_never_completes() {
        // " STO" is held back (prefix of " STOP") then released when "!" arrives.
        ScriptedModel model = new ScriptedModel(1, 3, 5, 0);
        Recorder recorder = new Recorder();
        GenerationResult result = run(model,
                GenerationConfig.builder().stopStrings(List.of(" STOP")).eosTokenIds(Set.of(0)).build(), recorder);
        assertThat(result.text()).isEqualTo("Hello STO!");
        assertThat(recorder.deltas).containsExactly("Hello", "", " STO!", "");
    }

    @Test
    void should_report_logprobs_of_the_raw_distribution() {
        ScriptedModel model = new ScriptedModel(1, 0);
        GenerationResult result = run(model,
                GenerationConfig.builder().eosTokenIds(Set.of(0)).logprobs(3).temperature(0.5).seed(1L).build(),
                new Recorder());
        TokenInfo first = result.tokens().get(0);
        double expected = Math.log(0.9) - Math.log(0.9 + 0.01 * (PIECES.size() - 1));
        assertThat(first.logprob()).isCloseTo(expected, within(1e-6));
        assertThat(first.topLogprobs()).hasSize(3);
        assertThat(first.topLogprobs().get(0).id()).isEqualTo(1);
        assertThat(first.topLogprobs().stream().mapToDouble(a -> Math.exp(a.logprob())).sum()).isLessThan(1.0);
    }

    @Test
    void should_give_the_same_tokens_for_the_same_seed() {
        GenerationConfig config = GenerationConfig.builder().temperature(5.0).maxNewTokens(20).seed(9L).build();
        GenerationResult a = run(new ScriptedModel(1), config, new Recorder());
        GenerationResult b = run(new ScriptedModel(1), config, new Recorder());
        GenerationResult c = run(new ScriptedModel(1), config.toBuilder().seed(10L).build(), new Recorder());
        assertThat(ids(a)).isEqualTo(ids(b));
        assertThat(ids(a)).isNotEqualTo(ids(c));
    }

    /** Always the same logits: " world" (2) best, "!" (5) close behind, the rest far below. */
    private static final class FixedModel implements LogitsSource {
        @Override
        public float[] prefill() {
            return logits();
        }

        @Override
        public float[] step(int tokenId) {
            return logits();
        }

        private static float[] logits() {
            float[] logits = new float[PIECES.size()];
            logits[2] = 2.0f;
            logits[5] = 1.5f;
            return logits;
        }
    }

    @Test
    void should_penalise_repeats_of_generated_tokens_and_apply_caller_processors() {
        // Prompt is {1, 2}: " world" starts penalised (2.0 / 1.5 = 1.33 < 1.5), so "!" comes first, then both are
        // penalised (1.33 vs 1.0) and " world" wins again.
        GenerationConfig penalised = GenerationConfig.builder().maxNewTokens(3).repetitionPenalty(1.5).build();
        GenerationResult result = Generator.generate(
                new FixedModel(), new PieceDecoder(), penalised, new Recorder(), new int[] {1, 2}, 2);
        assertThat(ids(result)).containsExactly(5, 2, 2);
        assertThat(result.tokens().get(0).logprob()).isLessThan(result.tokens().get(1).logprob()); // raw logits

        GenerationConfig masked = GenerationConfig.builder().maxNewTokens(2)
                .addProcessor(new TokenMask((id, context) -> id != 2 && id != 5)).build();
        GenerationResult constrained = Generator.generate(
                new FixedModel(), new PieceDecoder(), masked, new Recorder(), new int[0], 0);
        assertThat(ids(constrained)).doesNotContain(2, 5);
    }

    private static List<Integer> ids(GenerationResult result) {
        return result.tokens().stream().map(TokenInfo::id).toList();
    }
}
