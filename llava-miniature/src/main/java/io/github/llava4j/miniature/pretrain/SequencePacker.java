package io.github.llava4j.miniature.pretrain;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs tokenised sentences into training sequences of a fixed length, as GPT-style pretraining does: {@code BOS},
 * then sentences each followed by {@code EOS}, cut where the sequence is full and continued in the next one (which
 * starts with its own {@code BOS}). Fewer, longer sequences cut the per-call overhead of the engine.
 */
final class SequencePacker {
    private SequencePacker() {}

    /**
     * @param sentences token ids of each sentence, without BOS or EOS, in the order to pack them
     * @param length tokens per sequence, BOS included (at least 2)
     * @return full sequences of {@code length} ids, and a shorter last one when it holds at least one target
     */
    static List<int[]> pack(List<int[]> sentences, int length, int bos, int eos) {
        if (length < 2) {
            throw new IllegalArgumentException("sequence length must be >= 2, got " + length);
        }
        List<int[]> sequences = new ArrayList<>();
        int[] current = new int[length];
        current[0] = bos;
        int filled = 1;
        for (int[] sentence : sentences) {
            for (int k = 0; k <= sentence.length; k++) {
                current[filled++] = k < sentence.length ? sentence[k] : eos;
                if (filled == length) {
                    sequences.add(current);
                    current = new int[length];
                    current[0] = bos;
                    filled = 1;
                }
            }
        }
        if (filled > 1) {
            int[] last = new int[filled];
            System.arraycopy(current, 0, last, 0, filled);
            sequences.add(last);
        }
        return sequences;
    }
}
