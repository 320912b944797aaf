package io.github.llava4j.cli;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LoadOptions;
import io.github.llava4j.config.ImageMode;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that say which checkpoint to load and how (shared by generate, chat and bench). */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "llava-hf checkpoint folder")
    Path model;

    @Option(names = "--dtype", defaultValue = "auto", paramLabel = "f32|f16|auto",
            description = "weight precision (default: ${DEFAULT-VALUE}: f32 on CPU when it fits, else f16)")
    String dtype;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu[:N]",
            description = "where to run (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--template", paramLabel = "NAME",
            description = "chat template: vicuna_v1 (default), llava_v1, llava_v0, plain, llava_hf")
    String template;

    @Option(names = "--image-mode", paramLabel = "pad|crop",
            description = "pad to square with the mean colour (LLaVA-1.5, default) or resize+center-crop (llava-hf)")
    String imageMode;

    @Option(names = "--max-context", defaultValue = "0", paramLabel = "N",
            description = "longest prompt + answer in tokens, images expanded (default: the model's maximum)")
    int maxContext;

    LlavaEngine load() {
        LoadOptions.Builder options = LoadOptions.builder()
                .device(device)
                .dtype(LoadOptions.WeightDtype.parse(dtype))
                .maxContext(maxContext);
        if (template != null) {
            options.template(template);
        }
        if (imageMode != null) {
            options.imageMode(switch (imageMode) {
                case "pad" -> ImageMode.PAD;
                case "crop" -> ImageMode.CROP;
                default -> throw new IllegalArgumentException(
                        "--image-mode must be pad or crop, got '" + imageMode + "'");
            });
        }
        return Llava.load(model, options.build());
    }
}
