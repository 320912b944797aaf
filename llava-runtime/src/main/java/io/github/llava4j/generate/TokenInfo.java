package io.github.llava4j.generate;

import java.util.List;

/**
 * One generated token.
 *
 * @param text the token as text (" The", a newline); a lone byte of a multi-byte character or a special token keeps
 *     its raw piece ("<0xE2>", "</s>")
 * @param logprob log-probability of the token under the model's raw distribution (log_softmax of the logits before
 *     temperature, top-k/p and penalties: what transformers reports as scores under greedy decoding); NaN when
 *     log-probabilities were not requested
 * @param topLogprobs the K most likely tokens at this step under the same distribution (empty unless requested)
 */
public record TokenInfo(int id, String text, double logprob, List<Alternative> topLogprobs) {
    public TokenInfo {
        topLogprobs = List.copyOf(topLogprobs);
    }

    public record Alternative(int id, double logprob) {}
}
