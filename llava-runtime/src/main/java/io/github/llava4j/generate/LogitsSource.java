package io.github.llava4j.generate;

/** One sequence's view of the language model: runs the prepared prompt, then one token at a time. */
public interface LogitsSource {
    /** Runs the prompt; returns the next-token logits after its last position {@code [V]}. */
    float[] prefill();

    /** Feeds one generated token; returns the next-token logits {@code [V]}. */
    float[] step(int tokenId);
}
