package io.github.llava4j.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogitsProcessorsTest {
    private static final float NEG = Float.NEGATIVE_INFINITY;

    @Test
    void should_divide_logits_by_the_temperature() {
        float[] logits = {2f, -1f, 0.5f};
        new Temperature(0.5).process(logits, new int[0]);
        assertThat(logits).containsExactly(4f, -2f, 1f);
    }

    @Test
    void should_keep_the_k_highest_logits_and_ties_with_the_kth() {
        float[] logits = {1f, 5f, 3f, 3f, -2f};
        new TopK(2).process(logits, new int[0]);
        assertThat(logits).containsExactly(NEG, 5f, 3f, 3f, NEG);
    }

    @Test
    void should_keep_the_smallest_set_reaching_top_p() {
        // probabilities ~ [0.6439, 0.2369, 0.0871, 0.0321]
        float[] logits = {3f, 2f, 1f, 0f};
        new TopP(0.8).process(logits, new int[0]);
        assertThat(logits).containsExactly(3f, 2f, NEG, NEG);
        float[] sharp = {10f, 0f, 0f};
        new TopP(0.5).process(sharp, new int[0]);
        assertThat(sharp).containsExactly(10f, NEG, NEG);
    }

    @Test
    void should_apply_top_p_to_unsorted_negative_and_already_removed_logits() {
        // Alive: ids 1, 3, 4 with logits -1, -3, -2 -> probabilities ~ [0.665, 0.090, 0.245]; 0.85 needs ids 1 and 4.
        float[] logits = {NEG, -1f, NEG, -3f, -2f};
        new TopP(0.85).process(logits, new int[0]);
        assertThat(logits).containsExactly(NEG, -1f, NEG, NEG, -2f);
        // After top-k only the survivors compete; a tiny P still keeps the single best one.
        float[] chained = {0.5f, 4f, 3.9f, -7f, 2f};
        new TopK(3).process(chained, new int[0]);
        new TopP(0.01).process(chained, new int[0]);
        assertThat(chained).containsExactly(NEG, 4f, NEG, NEG, NEG);
        // Equal logits: ties are kept in id order, so with P = 0.4 of four equal tokens, ids 0 and 1 stay.
        float[] flat = {1f, 1f, 1f, 1f};
        new TopP(0.4).process(flat, new int[0]);
        assertThat(flat).containsExactly(1f, 1f, NEG, NEG);
    }

    @Test
    void should_penalise_tokens_in_the_context_by_sign() {
        float[] logits = {2f, -2f, 2f, -2f};
        new RepetitionPenalty(2.0).process(logits, new int[] {0, 1, 1});
        assertThat(logits).containsExactly(1f, -4f, 2f, -2f);
    }

    @Test
    void should_mask_forbidden_tokens_and_refuse_an_empty_choice() {
        float[] logits = {1f, 2f, 3f};
        new TokenMask((id, context) -> id != 2).process(logits, new int[0]);
        assertThat(logits).containsExactly(1f, 2f, NEG);
        assertThatThrownBy(() -> new TokenMask((id, context) -> false).process(new float[] {1f}, new int[0]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allows no token");
    }

    @Test
    void should_pick_argmax_with_ties_to_the_lowest_id() {
        assertThat(Sampler.GREEDY.sample(new float[] {1f, 7f, 7f, 2f})).isEqualTo(1);
    }

    @Test
    void should_reproduce_samples_with_a_seed_and_differ_across_seeds() {
        float[] flat = new float[50]; // uniform: every draw is informative
        int[] a = draws(Sampler.categorical(42), flat, 40);
        int[] b = draws(Sampler.categorical(42), flat, 40);
        int[] c = draws(Sampler.categorical(43), flat, 40);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void should_sample_in_proportion_to_probabilities() {
        Sampler sampler = Sampler.categorical(1);
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        int[] counts = new int[3];
        for (int i = 0; i < 20000; i++) {
            counts[sampler.sample(logits)]++;
        }
        assertThat(counts[0] / 20000.0).isCloseTo(0.7, within(0.02));
        assertThat(counts[2] / 20000.0).isCloseTo(0.1, within(0.02));
    }

    @Test
    void should_never_sample_a_removed_token() {
        Sampler sampler = Sampler.categorical(5);
        float[] logits = {NEG, 0f, NEG, 0f};
        for (int i = 0; i < 1000; i++) {
            assertThat(sampler.sample(logits)).isIn(1, 3);
        }
    }

    @Test
    void should_compute_top_logprobs_in_order() {
        float[] logits = {0f, 3f, 1f, 3f};
        double lse = LogProbs.logSumExp(logits);
        var top = LogProbs.top(logits, lse, 3);
        assertThat(top).extracting(TokenInfo.Alternative::id).containsExactly(1, 3, 2);
        double total = 0;
        for (float l : logits) {
            total += Math.exp(l - lse);
        }
        assertThat(total).isCloseTo(1.0, within(1e-12));
        assertThat(top.get(0).logprob()).isCloseTo(3 - lse, within(1e-12));
    }

    @Test
    void should_reject_invalid_settings_with_the_field_name() {
        assertThatThrownBy(() -> GenerationConfig.builder().topP(0).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> GenerationConfig.builder().temperature(-1).build()).hasMessageContaining("temperature");
        assertThatThrownBy(() -> GenerationConfig.builder().maxNewTokens(0).build()).hasMessageContaining("maxNewTokens");
        assertThatThrownBy(() -> GenerationConfig.builder().stopStrings(java.util.List.of("")).build())
                .hasMessageContaining("stop strings");
    }

    private static int[] draws(Sampler sampler, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = sampler.sample(logits);
        }
        return out;
    }
}
