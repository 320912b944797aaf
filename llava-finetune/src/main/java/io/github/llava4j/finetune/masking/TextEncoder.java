package io.github.llava4j.finetune.masking;

/**
 * Tokenizes a plain text chunk (no special tokens, no BOS), as {@code LlavaTokenizer.encode} does. The masker calls
 * it once per chunk between {@code <image>} and {@code </s>} markers, the way the reference tokenizes each chunk
 * on its own.
 */
@FunctionalInterface
public interface TextEncoder {
    int[] encode(String text);
}
