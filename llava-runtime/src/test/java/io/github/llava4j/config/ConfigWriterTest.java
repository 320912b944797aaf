package io.github.llava4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.io.ModelPresets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWriterTest {
    @TempDir
    Path dir;

    @Test
    void should_read_back_every_preset_config() {
        for (LlavaConfig config : List.of(ModelPresets.tiny(), ModelPresets.llava15_7b(),
                ModelPresets.tinyLlava1_1b())) {
            ConfigWriter.writeLlavaConfig(dir, config);
            assertThat(ConfigReader.readLlavaConfig(dir)).isEqualTo(config);
        }
    }

    @Test
    void should_read_back_non_default_choices() {
        LlavaConfig base = ModelPresets.tiny();
        LlamaTextConfig text = new LlamaTextConfig(64, 96, 3, 8, 4, 310, 256, 1e-6, 500000.0, 5, 6, true);
        LlavaConfig config = new LlavaConfig(base.vision(), text, ProjectorType.LINEAR, 7, 3, 1, FeatureSelect.FULL,
                false);
        ConfigWriter.writeLlavaConfig(dir, config);
        assertThat(ConfigReader.readLlavaConfig(dir)).isEqualTo(config);
    }

    @Test
    void should_read_back_preprocessor_and_generation_configs() {
        PreprocessorConfig p = PreprocessorConfig.clipDefaults(336).withMode(ImageMode.CROP);
        ConfigWriter.writePreprocessorConfig(dir, p);
        assertThat(ConfigReader.readPreprocessorConfig(dir, 224)).isEqualTo(p);
        GenerationDefaults one = new GenerationDefaults(1, List.of(2), 0);
        ConfigWriter.writeGenerationDefaults(dir, one);
        assertThat(ConfigReader.readGenerationDefaults(dir, ModelPresets.tiny())).isEqualTo(one);
        GenerationDefaults two = new GenerationDefaults(1, List.of(2, 32007), 32001);
        ConfigWriter.writeGenerationDefaults(dir, two);
        assertThat(ConfigReader.readGenerationDefaults(dir, ModelPresets.tiny())).isEqualTo(two);
    }
}
