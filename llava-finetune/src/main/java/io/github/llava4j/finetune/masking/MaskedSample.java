package io.github.llava4j.finetune.masking;

/**
 * One sample as fed to the model: {@code inputIds} with the image as the single image token id, {@code labels}
 * equal to {@code inputIds} where learned and -100 where masked. {@code tokenizationMismatch} marks the reference's
 * mismatch case (then every label is -100). Arrays are shared, not copied: treat them as read-only.
 */
public record MaskedSample(String id, int[] inputIds, int[] labels, boolean tokenizationMismatch) {
    public static final int IGNORE_INDEX = -100;
}
