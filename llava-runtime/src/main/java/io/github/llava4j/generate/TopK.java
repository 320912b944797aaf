package io.github.llava4j.generate;

import java.util.Arrays;

/** Keeps the K highest logits (and any tied with the K-th, as transformers does); the rest become -infinity. */
public record TopK(int k) implements LogitsProcessor {
    public TopK {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0, got " + k);
        }
    }

    @Override
    public void process(float[] logits, int[] context) {
        if (k >= logits.length) {
            return;
        }
        float threshold = kthLargest(logits, k);
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < threshold) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** The k-th largest value, by a size-k min-heap (no full sort of the vocabulary). */
    static float kthLargest(float[] values, int k) {
        float[] heap = new float[k];
        Arrays.fill(heap, Float.NEGATIVE_INFINITY);
        for (float v : values) {
            if (v > heap[0]) {
                heap[0] = v;
                siftDown(heap);
            }
        }
        return heap[0];
    }

    private static void siftDown(float[] heap) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            int right = left + 1;
            int smallest = i;
            if (left < heap.length && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < heap.length && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            float tmp = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = tmp;
            i = smallest;
        }
    }
}
