package io.github.llava4j.finetune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.llava4j.finetune.masking.MaskedSample;

/**
 * The causal language-modelling loss of transformers' LlamaForCausalLM / LlavaForConditionalGeneration: position t
 * predicts label t+1 ({@code logits[:-1]} against {@code labels[1:]}), cross-entropy averaged over the labels that are
 * not {@link MaskedSample#IGNORE_INDEX}.
 */
final class CausalLmLoss {
    private CausalLmLoss() {}

    /** Number of positions that contribute to the loss of {@code labels} (aligned with the decoder's positions). */
    static int learnedTargets(int[] labels) {
        int n = 0;
        for (int t = 1; t < labels.length; t++) {
            n += labels[t] != MaskedSample.IGNORE_INDEX ? 1 : 0;
        }
        return n;
    }

    /**
     * @param logits {@code [T, V]} FLOAT32
     * @param labels T labels aligned with the logits' positions, -100 where nothing is learned
     * @return the scalar mean negative log-likelihood, attached to {@code manager}
     * @throws IllegalArgumentException when no position is learned (the mean would be 0/0)
     */
    static NDArray mean(NDArray logits, int[] labels, NDManager manager) {
        if (logits.getShape().get(0) != labels.length) {
            throw new IllegalArgumentException(
                    "logits " + logits.getShape() + " do not match " + labels.length + " labels");
        }
        int n = learnedTargets(labels);
        if (n == 0) {
            throw new IllegalArgumentException("no learned label: every target is " + MaskedSample.IGNORE_INDEX);
        }
        long[] rows = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int t = 1; t < labels.length; t++) {
            if (labels[t] != MaskedSample.IGNORE_INDEX) {
                rows[k] = t - 1;
                targets[k] = labels[t];
                k++;
            }
        }
        // Indices and every result stay in the step's manager until after the backward pass: an array made from Java
        // data only borrows its buffer, and autograd keeps the indices of the row selection and of the gather.
        NDArray rowIndex = manager.create(rows);
        NDArray targetIndex = manager.create(targets).reshape(n, 1);
        NDArray predicting = logits.get(rowIndex); // [n, V]
        NDArray logProbs = predicting.logSoftmax(-1); // [n, V]
        NDArray picked = logProbs.gather(targetIndex, 1); // [n, 1]
        NDArray loss = picked.mean().neg();
        for (NDArray a : new NDArray[] {predicting, logProbs, picked, loss}) {
            a.attach(manager);
        }
        return loss;
    }
}
