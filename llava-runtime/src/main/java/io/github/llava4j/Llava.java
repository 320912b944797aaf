package io.github.llava4j;

import java.nio.file.Path;

/** Entry point: {@code Llava.load(folder, options)} loads a llava-hf checkpoint folder into a {@link LlavaEngine}. */
public final class Llava {
    private Llava() {}

    /** Loads with default options (CPU, f32 when it fits, pad-mode images, vicuna_v1 template). */
    public static LlavaEngine load(Path checkpointFolder) {
        return load(checkpointFolder, LoadOptions.builder().build());
    }

    public static LlavaEngine load(Path checkpointFolder, LoadOptions options) {
        return LlavaEngine.open(checkpointFolder, options);
    }
}
