/**
 * Stand-ins for the pretrained parts of LLaVA, which cannot be downloaded here: a base checkpoint in the llava-hf
 * layout ({@link io.github.llava4j.miniature.pretrain.BaseCheckpoint}), a tiny CLIP trained contrastively on
 * image-caption pairs ({@link io.github.llava4j.miniature.pretrain.ClipPretrainer}) and a tiny LLaMA pretrained on the
 * world's text ({@link io.github.llava4j.miniature.pretrain.LanguageModelPretrainer}). Only checkpoints in the real
 * formats leave this package; LLaVA's two stages then start from them.
 */
package io.github.llava4j.miniature.pretrain;
