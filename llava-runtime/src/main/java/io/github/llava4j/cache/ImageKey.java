package io.github.llava4j.cache;

import java.util.Objects;

/**
 * Identifies an image embedding: the same bytes, preprocessed the same way, through the same model give the same
 * embedding, so any of the three changing makes a different key.
 *
 * @param sha256 hex SHA-256 of the encoded image bytes
 * @param preprocessing the preprocessing key (mode, sizes, normalisation, decoder options)
 * @param modelId the loaded model (folder and weight dtype)
 */
public record ImageKey(String sha256, String preprocessing, String modelId) {
    public ImageKey {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(modelId, "modelId");
    }
}
