package io.github.llava4j.finetune.cli;

import io.github.llava4j.langchain4j.LlavaChatModel;
import java.nio.file.Path;

/** The CLI's teachers, judges and candidates: LlavaChatModels over local llava-hf folders (no network here). */
final class LocalChatModels {
    private LocalChatModels() {}

    static LlavaChatModel open(Path folder, int maxOutputTokens, double temperature, long seed) {
        return LlavaChatModel.builder().modelPath(folder).maxOutputTokens(maxOutputTokens).temperature(temperature)
                .seed(seed).build();
    }
}
