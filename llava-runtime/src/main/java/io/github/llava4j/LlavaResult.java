package io.github.llava4j;

import io.github.llava4j.generate.GenerationResult;

/**
 * What {@link LlavaEngine#generate} returns: the generation itself plus what happened before it.
 *
 * @param promptTokenIds the prompt's token ids, each image as one placeholder id
 * @param promptPositions decoder positions of the prompt (images expanded)
 * @param reusedPositions positions whose KV state came from the prefix cache instead of being recomputed
 * @param prefillPositions positions actually run through the decoder in prefill
 * @param imagesEncoded images that went through the vision tower (the others came from the image cache)
 * @param imageEncodeMs wall time of image decoding, preprocessing and the vision tower for this request
 */
public record LlavaResult(
        GenerationResult generation,
        int[] promptTokenIds,
        int promptPositions,
        int reusedPositions,
        int prefillPositions,
        int imagesEncoded,
        long imageEncodeMs) {}
