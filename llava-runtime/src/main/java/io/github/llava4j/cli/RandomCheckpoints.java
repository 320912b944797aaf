package io.github.llava4j.cli;

import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.MemoryEstimate;
import io.github.llava4j.io.RandomCheckpoint;
import io.github.llava4j.io.TensorNames;
import io.github.llava4j.text.TokenizerJsonBuilder;
import java.nio.file.Path;

/** A random checkpoint folder with a matching tokenizer (the image token where the config puts it). */
final class RandomCheckpoints {
    private RandomCheckpoints() {}

    static void write(LlavaConfig config, Path dir, DType dtype, int shards, long seed, TensorNames.Scheme scheme) {
        int vocab = config.text().vocabSize();
        int imageToken = config.imageTokenIndex();
        // llava-hf adds <image> and <pad> after the base vocabulary; smaller vocabularies keep only <image>.
        Integer pad = config.padTokenId() > 258 && config.padTokenId() < vocab && config.padTokenId() != imageToken
                ? config.padTokenId()
                : null;
        TokenizerJsonBuilder.of(Math.max(vocab, imageToken + 1), imageToken, pad).write(dir);
        int shardCount = shards > 0 ? shards : defaultShards(config, dtype);
        RandomCheckpoint.builder(config)
                .dtype(dtype)
                .shards(shardCount)
                .seed(seed)
                .scheme(scheme)
                .build()
                .write(dir);
    }

    /** About 2 GB per shard, as transformers writes them. */
    private static int defaultShards(LlavaConfig config, DType dtype) {
        long bytes = MemoryEstimate.of(RandomCheckpoint.tensorShapes(config).values(), 0).elements()
                * dtype.byteSize();
        return (int) Math.max(1, (bytes + (2L << 30) - 1) / (2L << 30));
    }
}
