package io.github.llava4j.miniature.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.text.LlavaTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void should_write_a_llava_hf_folder_whose_tokenizer_knows_the_world_words() {
        String corpus = "the red circle is left of the blue square. the green triangle is above the red square. "
                .repeat(3);
        LlavaConfig written = BaseCheckpoint.write(dir, MiniatureArchitecture.defaults(), corpus, 1);


        LlavaConfig read = ConfigReader.readLlavaConfig(dir);
        assertThat(read).isEqualTo(written);
        assertThat(read.text().vocabSize()).isEqualTo(BaseCheckpoint.DEFAULT_VOCAB_SIZE);
        assertThat(read.imageTokenIndex()).isEqualTo(BaseCheckpoint.DEFAULT_VOCAB_SIZE - 1);
        assertThat(read.imageSeqLength()).isEqualTo(16); // 64 px images of 16 px patches
        assertThat(read.visionLayersToRun()).isEqualTo(2);
        assertThat(dir.resolve(ConfigReader.PREPROCESSOR_JSON)).isRegularFile();
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir)) {
            assertThat(tokenizer.imageTokenId()).hasValue(read.imageTokenIndex());
            assertThat(tokenizer.encode("triangle")).hasSize(1);
            assertThat(tokenizer.encode("the red circle is left of")).hasSize(6);
        }
    }
}
