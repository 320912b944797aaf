package io.github.llava4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Set;

/**
 * Named weights, addressed by canonical names (the older llava-hf scheme: {@code language_model.model.*},
 * {@code language_model.lm_head.weight}, {@code vision_tower.vision_model.*}, {@code multi_modal_projector.*}).
 *
 * <p>A checkpoint folder implements it; tests can implement it over in-memory arrays.
 */
public interface TensorSource {
    /** Canonical names of every tensor present. */
    Set<String> names();

    /** Shape on disk of a present tensor. */
    long[] shape(String canonicalName);

    /**
     * Materialises a tensor in {@code manager} as {@code dtype} (FLOAT32 or FLOAT16; never BFLOAT16, which DJL
     * cannot hold). Implementations avoid a second copy where the on-disk dtype already matches.
     *
     * @throws io.github.llava4j.CheckpointException if the tensor is missing (the message names it)
     */
    NDArray load(String canonicalName, NDManager manager, DataType dtype);

    /** Where the tensors come from, for error messages (a folder or file path). */
    String describe();
}
