package io.github.llava4j.langchain4j;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.TinyCheckpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One tiny random checkpoint and engine for the conformance suites, whose subclasses cannot take a {@code @TempDir}
 * before their model factories run; written once per JVM into a temporary folder deleted at exit.
 */
final class TinyModel {
    private TinyModel() {}

    static final String NAME = "tiny-llava";

    private static final class Holder {
        static final LlavaEngine ENGINE = load();

        private static LlavaEngine load() {
            try {
                Path root = Files.createTempDirectory("llava-langchain4j");
                Path folder = TinyCheckpoints.write(Files.createDirectories(root.resolve(NAME)), 9);
                LlavaEngine engine = Llava.load(folder);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    engine.close();
                    try (var files = Files.walk(root)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (IOException ignored) {
                        // a temporary folder left behind is harmless
                    }
                }));
                return engine;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static LlavaEngine engine() {
        return Holder.ENGINE;
    }
}
