package io.github.llava4j;

import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.ModelPresets;
import io.github.llava4j.io.RandomCheckpoint;
import io.github.llava4j.text.TokenizerJsonBuilder;
import java.nio.file.Path;

/** Complete tiny llava-hf folders (random weights, a real tokenizer) for engine and CLI tests. */
public final class TinyCheckpoints {
    private TinyCheckpoints() {}

    /** The tiny preset (vocab 300, image token 299, 4 image rows) with F32 weights. */
    public static Path write(Path dir, long seed) {
        LlavaConfig config = ModelPresets.tiny();
        TokenizerJsonBuilder.of(config.text().vocabSize(), config.imageTokenIndex(), null).write(dir);
        RandomCheckpoint.builder(config).seed(seed).dtype(DType.F32).std(0.2).build().write(dir);
        return dir;
    }
}
