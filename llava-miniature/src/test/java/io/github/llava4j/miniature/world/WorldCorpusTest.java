package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorldCorpusTest {

    private final WorldConfig config = WorldConfig.defaults();

    @Test
    void should_write_captions_and_question_answer_pairs_per_scene() {
        List<String> documents = new WorldCorpus(config, 2, 1).documents(0, 20).toList();

        assertThat(documents).hasSize(20);
        for (String document : documents) {
            List<String> lines = document.lines().toList();
            assertThat(lines.size()).isGreaterThan(Captioner.TEMPLATES);
            assertThat(lines.subList(Captioner.TEMPLATES, lines.size()))
                    .allSatisfy(line -> assertThat(line).matches("Q: .+\\? A: [a-z0-9 ]+\\."));
        }
    }

    @Test
    void should_be_deterministic_per_seed() {
        assertThat(new WorldCorpus(config, 2, 2).documents(5, 10).toList())
                .isEqualTo(new WorldCorpus(config, 2, 2).documents(5, 10).toList())
                .isNotEqualTo(new WorldCorpus(config, 3, 2).documents(5, 10).toList());
    }
}
