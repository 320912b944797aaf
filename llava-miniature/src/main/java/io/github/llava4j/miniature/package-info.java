/**
 * A miniature LLaVA trained end to end by this project's own pipeline on a synthetic image world: the world and its
 * annotations, stand-ins for the pretrained CLIP and LLaMA, the teacher, both training stages and the evaluation.
 */
package io.github.llava4j.miniature;
