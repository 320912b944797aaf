package io.github.llava4j.generate;

import java.util.ArrayList;
import java.util.List;

/** Log-softmax and top-K over a vocabulary, in double precision. */
final class LogProbs {
    private LogProbs() {}

    /** log(sum(exp(logits))), stable (max subtracted). */
    static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    static double[] softmax(float[] logits) {
        double lse = logSumExp(logits);
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - lse);
        }
        return p;
    }

    /** The K most likely ids (ties: lower id first) with their log-probabilities, most likely first. */
    static List<TokenInfo.Alternative> top(float[] logits, double logSumExp, int k) {
        int n = Math.min(k, logits.length);
        int[] best = new int[n];
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size < n) {
                best[size++] = id;
                bubbleUp(best, size - 1, logits);
            } else if (better(id, best[n - 1], logits)) {
                best[n - 1] = id;
                bubbleUp(best, n - 1, logits);
            }
        }
        List<TokenInfo.Alternative> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            result.add(new TokenInfo.Alternative(best[i], logits[best[i]] - logSumExp));
        }
        return result;
    }

    private static boolean better(int a, int b, float[] logits) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    private static void bubbleUp(int[] ids, int i, float[] logits) {
        while (i > 0 && better(ids[i], ids[i - 1], logits)) {
            int tmp = ids[i];
            ids[i] = ids[i - 1];
            ids[i - 1] = tmp;
            i--;
        }
    }
}
