package io.github.llava4j.text;

/**
 * A tokenized prompt: ids starting with BOS, each image as ONE image-token id (the model expands it to its feature
 * rows), and the index in {@code ids} of every image placeholder, in order.
 */
public record PromptTokens(int[] ids, int[] imagePositions) {
    public PromptTokens {
        ids = ids.clone();
        imagePositions = imagePositions.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public int[] imagePositions() {
        return imagePositions.clone();
    }
}
