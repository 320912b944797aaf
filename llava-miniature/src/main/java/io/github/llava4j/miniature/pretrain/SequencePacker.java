package io.github.llava4j.miniature.pretrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs tokenised texts into training sequences of at most a fixed length: {@code BOS}, then texts each followed by
 * {@code EOS}. A text that does not fit in what is left of a sequence starts the next one (which begins with its own
 * {@code BOS}), so a document and the questions about it stay in one context; only a text longer than a whole
 * sequence is cut and continued. Fewer, longer sequences cut the per-call overhead of the engine.
 */
final class SequencePacker {
    private SequencePacker() {}

    /**
     * @param texts token ids of each text, without BOS or EOS, in the order to pack them
     * @param length most tokens per sequence, BOS included (at least 2)
     * @return sequences of at most {@code length} ids, each with at least one target
     */
    static List<int[]> pack(List<int[]> texts, int length, int bos, int eos) {
        if (length < 2) {
            throw new IllegalArgumentException("sequence length must be >= 2, got " + length);
        }
        List<int[]> sequences = new ArrayList<>();
        int[] current = new int[length];
        current[0] = bos;
        int filled = 1;
        for (int[] text : texts) {
            if (filled > 1 && filled + text.length + 1 > length) { // does not fit: keep it whole in the next one
                sequences.add(Arrays.copyOf(current, filled));
                filled = 1;
            }
            for (int k = 0; k <= text.length; k++) {
                current[filled++] = k < text.length ? text[k] : eos;
                if (filled == length) {
                    sequences.add(current);
                    current = new int[length];
                    current[0] = bos;
                    filled = 1;
                }
            }
        }
        if (filled > 1) {
            sequences.add(Arrays.copyOf(current, filled));
        }
        return sequences;
    }
}
