package io.github.llava4j.config;

/** How a non-square image becomes the square the vision tower sees. */
public enum ImageMode {
    /** LLaVA-1.5's {@code expand2square}: pad to a square of the mean colour, then resize (the original default). */
    PAD,
    /** CLIPImageProcessor as llava-hf ships it: resize the shortest edge, then center-crop. */
    CROP
}
