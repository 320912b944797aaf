/**
 * The synthetic image world the miniature LLaVA is trained and evaluated on.
 *
 * <p>A {@link io.github.llava4j.miniature.world.Scene} holds 1 to a few coloured shapes on a plain or lightly
 * textured background; {@link io.github.llava4j.miniature.world.SceneGenerator} draws scene {@code i} from
 * {@code (seed, i)} alone, {@link io.github.llava4j.miniature.world.SceneRenderer} paints it with Java2D,
 * {@link io.github.llava4j.miniature.world.Captioner} gives the paper's symbolic representation (captions +
 * normalized boxes), {@link io.github.llava4j.miniature.world.WorldWriter} writes COCO-style splits,
 * {@link io.github.llava4j.miniature.world.QuestionGenerator} asks questions with exact answers and
 * {@link io.github.llava4j.miniature.world.AnswerScorer} / {@link io.github.llava4j.miniature.world.DescriptionScorer}
 * grade a model's replies. Coordinates: pixels, origin top left, x to the right, y down; normalized boxes are
 * {@code [x1, y1, x2, y2]} divided by the image size.
 */
package io.github.llava4j.miniature.world;
