package io.github.llava4j.miniature.pretrain;

import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.RandomCheckpoint;
import io.github.llava4j.text.TokenizerJsonBuilder;
import java.nio.file.Path;

/**
 * Writes the starting point of the miniature pipeline: a llava-hf folder with freshly initialised weights (config.json,
 * preprocessor_config.json, generation_config.json, model.safetensors in F32) and a LLaMA-style byte-fallback BPE
 * tokenizer whose merges are learned from the world's text, so that world words are single tokens.
 */
public final class BaseCheckpoint {
    /** Vocabulary size when none is given: 259 reserved ids, ~250 merges, {@code <image>} last. */
    public static final int DEFAULT_VOCAB_SIZE = 512;
    /** Standard deviation of the initial weights (GPT-2 / LLaMA's 0.02); norm weights start at exactly 1. */
    public static final double INIT_STD = 0.02;

    private BaseCheckpoint() {}

    /** {@link #write(Path, MiniatureArchitecture, String, long, int)} with {@link #DEFAULT_VOCAB_SIZE} ids. */
    public static LlavaConfig write(Path dir, MiniatureArchitecture architecture, String corpus, long seed) {
        return write(dir, architecture, corpus, seed, DEFAULT_VOCAB_SIZE);
    }

    /**
     * @param corpus text the tokenizer's BPE merges are learned from (the world's captions and sentences)
     * @param vocabSize ids in all, {@code <image>} being the last
     * @return the architecture written to config.json
     */
    public static LlavaConfig write(Path dir, MiniatureArchitecture architecture, String corpus, long seed,
            int vocabSize) {
        LlavaConfig config = architecture.toLlavaConfig(vocabSize);
        TokenizerJsonBuilder.builder()
                .vocabSize(vocabSize)
                .imageTokenId(config.imageTokenIndex())
                .corpus(corpus)
                .build()
                .write(dir);
        RandomCheckpoint.builder(config).seed(seed).dtype(DType.F32).std(INIT_STD).normNoise(0).build().write(dir);
        return config;
    }
}
