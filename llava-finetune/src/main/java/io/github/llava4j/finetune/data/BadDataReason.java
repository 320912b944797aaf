package io.github.llava4j.finetune.data;

/** Why a training sample was rejected (or, for {@link #TOKENIZATION_MISMATCH}, kept fully masked). */
public enum BadDataReason {
    /** Not an object, a missing or mistyped field ({@code id}, {@code image}, {@code conversations}, a turn). */
    MALFORMED,
    /** Turns do not alternate human/gpt starting with human, or a role is neither. */
    NOT_ALTERNATING,
    /** {@code image} names a file that does not exist under the image root. */
    IMAGE_MISSING,
    /** The sample does not fit the template (e.g. {@code plain} needs exactly 2 turns and an image). */
    TEMPLATE_MISMATCH,
    /** The reference's "tokenization mismatch": kept, but every label is -100. */
    TOKENIZATION_MISMATCH
}
