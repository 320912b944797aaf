/**
 * Checkpoint IO: memory-mapped safetensors reading ({@link io.github.llava4j.io.SafeTensors}) and streaming writing
 * ({@link io.github.llava4j.io.SafeTensorsWriter}), llava-hf folders ({@link io.github.llava4j.io.Checkpoint}) with
 * both tensor-name schemes ({@link io.github.llava4j.io.TensorNames}), exact f16/bf16 conversions
 * ({@link io.github.llava4j.io.HalfFloats}), memory checks before loading
 * ({@link io.github.llava4j.io.MemoryEstimate}),
 * binding tensors to model blocks ({@link io.github.llava4j.io.LlavaLoader}) and random checkpoints for tests and
 * benchmarks ({@link io.github.llava4j.io.RandomCheckpoint}, {@link io.github.llava4j.io.ModelPresets}).
 */
package io.github.llava4j.io;
