package io.github.llava4j.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny preset's tokenizer (300 ids, {@code <image>} = 299), written once per JVM into a temp folder. */
final class TinyTokenizers {
    static final int VOCAB = 300;
    static final int IMAGE = 299;

    private static Path folder;

    private TinyTokenizers() {}

    static synchronized Path folder() {
        if (folder == null) {
            try {
                Path dir = Files.createTempDirectory("llava4j-tokenizer");
                dir.toFile().deleteOnExit();
                TokenizerJsonBuilder.builder().vocabSize(VOCAB).imageTokenId(IMAGE).build().write(dir);
                for (String name : new String[] {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
                    dir.resolve(name).toFile().deleteOnExit();
                }
                folder = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    static LlavaTokenizer load() {
        return LlavaTokenizer.load(folder());
    }

    private static LlavaTokenizer shared;

    /** One loaded tokenizer for all tests of the JVM (thread-safe, so sharing is fine; freed at exit). */
    static synchronized LlavaTokenizer shared() {
        if (shared == null) {
            shared = load();
        }
        return shared;
    }
}
