package io.github.llava4j.miniature.demo;

import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The miniature model shipped inside this module's jar (llava-hf layout, a few MB; see its MODEL_CARD.md). The
 * runtime loads checkpoints from folders, so the files are copied out to a folder on first use.
 */
public final class ShippedModel {
    /** Classpath folder of the model files. */
    public static final String RESOURCE = "/io/github/llava4j/miniature/model/";
    /** Every file of the shipped model. */
    public static final List<String> FILES = List.of("config.json", "generation_config.json",
            "preprocessor_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
            "model.safetensors", "MODEL_CARD.md");

    private ShippedModel() {}

    /** Whether this build has the model (it is produced by the recipe and committed). */
    public static boolean isPresent() {
        return ShippedModel.class.getResource(RESOURCE + "model.safetensors") != null;
    }

    /** Copies the model into {@code target} (created if needed) and returns it. */
    public static Path extractTo(Path target) {
        if (!isPresent()) {
            throw new LlavaException("the miniature model is not in this build (" + RESOURCE + "model.safetensors);"
                    + " run ./llava-mini recipe to make one");
        }
        try {
            Files.createDirectories(target);
            for (String file : FILES) {
                try (InputStream in = ShippedModel.class.getResourceAsStream(RESOURCE + file)) {
                    if (in != null) {
                        Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the miniature model to " + target, e);
        }
    }
}
