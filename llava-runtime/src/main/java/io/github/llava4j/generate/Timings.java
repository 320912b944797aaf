package io.github.llava4j.generate;

/**
 * Wall times of one generation, in milliseconds.
 *
 * @param prefillMs running the prompt through the decoder
 * @param decodeMs all decode steps after the first token
 * @param ttftMs from the start of generation to the first token chosen (prefill + first sampling)
 */
public record Timings(long prefillMs, long decodeMs, long ttftMs) {}
