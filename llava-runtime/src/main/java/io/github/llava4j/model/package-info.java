/**
 * The LLaVA network as plain DJL NDArray code: CLIP vision tower, projector, LLaMA decoder with a KV cache.
 *
 * <p>Shape notation in comments: {@code N} images, {@code P} vision positions (patches, +1 with CLS), {@code T} new
 * tokens of one call, {@code L} keys visible to a query (cache + new), {@code D} hidden size, {@code H} query heads,
 * {@code Hkv} key/value heads, {@code hd} head dim, {@code V} vocabulary size. Activations are FLOAT32; big weight
 * matrices are FLOAT32 or FLOAT16 and only {@link io.github.llava4j.model.Linear} multiplies by them.
 *
 * <p>Blocks are immutable once built and may be used by several threads at once. They never see checkpoint tensor
 * names: {@link io.github.llava4j.io.LlavaLoader} binds names to constructors. Arrays a block creates attach to the
 * manager of their first operand; callers run blocks inside an {@link ai.djl.ndarray.NDScope} (as
 * {@link io.github.llava4j.model.LlavaModel} does) so that temporaries are freed per call.
 */
package io.github.llava4j.model;
