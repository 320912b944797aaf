package io.github.llava4j.finetune.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LlavaJsonReaderTest {
    @TempDir
    Path dir;

    Path images;

    @BeforeEach
    void setUp() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(images.resolve("coco"));
        Files.write(images.resolve("coco/a.jpg"), new byte[] {1});
    }

    private Path data(String json) throws IOException {
        return Files.writeString(dir.resolve("data.json"), json);
    }

    private static final String GOOD = "{\"id\": \"a\", \"image\": \"coco/a.jpg\", \"conversations\": ["
            + "{\"from\": \"human\", \"value\": \"<image>\\nWhat?\"}, {\"from\": \"gpt\", \"value\": \"A cat.\"}]}";

    @Test
    void should_read_samples_with_and_without_image() throws IOException {
        String text = "{\"id\": 7, \"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"},"
                + " {\"from\": \"gpt\", \"value\": \"Hello\"}, {\"from\": \"human\", \"value\": \"Bye\"}]}";
        List<Sample> got = new ArrayList<>();
        DataReport report = new LlavaJsonReader(images, false).read(data("[" + GOOD + ", " + text + "]"), got::add);
        assertThat(got).containsExactly(
                new Sample("a", Optional.of("coco/a.jpg"),
                        List.of(new Turn("human", "<image>\nWhat?"), new Turn("gpt", "A cat."))),
                new Sample("7", Optional.empty(),
                        List.of(new Turn("human", "Hi"), new Turn("gpt", "Hello"), new Turn("human", "Bye"))));
        assertThat(report.seenCount()).isEqualTo(2);
        assertThat(report.acceptedCount()).isEqualTo(2);
    }

    @Test
    void should_stream_a_large_file_one_sample_at_a_time() throws IOException {
        Path file = dir.resolve("big.json");
        int n = 20_000;
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("[");
            for (int i = 0; i < n; i++) {
                w.write((i == 0 ? "" : ",") + "{\"id\":\"s" + i + "\",\"conversations\":[{\"from\":\"human\","
                        + "\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"}]}");
            }
            w.write("]");
        }
        long[] count = {0};
        String[] last = {null};
        DataReport report = new LlavaJsonReader(images, false).read(file, s -> {
            count[0]++;
            last[0] = s.id();
        });
        assertThat(count[0]).isEqualTo(n);
        assertThat(last[0]).isEqualTo("s" + (n - 1));
        assertThat(report.acceptedCount()).isEqualTo(n);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not an object|42|#1|MALFORMED|expected an object",
        "missing id|{\"conversations\": []}|#1|MALFORMED|missing \"id\"",
        "id of wrong type|{\"id\": [1], \"conversations\": []}|#1|MALFORMED|\"id\" must be a string or an integer",
        "image of wrong type|{\"id\": \"x\", \"image\": 3, \"conversations\": []}|x|MALFORMED|\"image\" must be a string",
        "missing conversations|{\"id\": \"x\"}|x|MALFORMED|missing \"conversations\"",
        "conversations not an array|{\"id\": \"x\", \"conversations\": {}}|x|MALFORMED|must be an array",
        "empty conversations|{\"id\": \"x\", \"conversations\": []}|x|MALFORMED|is empty",
        "turn without value|{\"id\": \"x\", \"conversations\": [{\"from\": \"human\"}]}|x|MALFORMED|conversations[0]",
        "gpt first|{\"id\": \"x\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}]}|x|NOT_ALTERNATING|expected \"human\"",
        "two humans|{\"id\": \"x\", \"conversations\": [{\"from\": \"human\", \"value\": \"a\"}, {\"from\": \"human\", \"value\": \"b\"}]}|x|NOT_ALTERNATING|conversations[1].from is \"human\", expected \"gpt\"",
        "unknown role|{\"id\": \"x\", \"conversations\": [{\"from\": \"system\", \"value\": \"a\"}]}|x|NOT_ALTERNATING|\"system\"",
        "image missing|{\"id\": \"x\", \"image\": \"coco/b.jpg\", \"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]}|x|IMAGE_MISSING|b.jpg not found",
    })
    void should_fail_on_bad_entry_naming_id_and_reason(String name, String entry, String id, BadDataReason reason,
            String detail) throws IOException {
        Path file = data("[" + GOOD + ", " + entry + "]");
        List<Sample> got = new ArrayList<>();
        assertThatThrownBy(() -> new LlavaJsonReader(images, false).read(file, got::add))
                .isInstanceOfSatisfying(BadDataException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.sampleId()).isEqualTo(id);
                })
                .hasMessageContaining(detail)
                .hasMessageContaining("sample " + id + ": " + reason.name().toLowerCase());
        assertThat(got).hasSize(1);
    }

    @Test
    void should_skip_and_count_bad_entries() throws IOException {
        String gptFirst = "{\"id\": \"g\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}]}";
        String noImage = "{\"id\": \"m\", \"image\": \"nope.jpg\", \"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]}";
        String noConv = "{\"id\": \"n\"}";
        Path file = data("[" + noConv + "," + GOOD + "," + gptFirst + "," + noImage + "," + noImage.replace("\"m\"", "\"m2\"") + "]");
        List<Sample> got = new ArrayList<>();
        DataReport report = new LlavaJsonReader(images, true).read(file, got::add);
        assertThat(got).extracting(Sample::id).containsExactly("a");
        assertThat(report.seenCount()).isEqualTo(5);
        assertThat(report.acceptedCount()).isEqualTo(1);
        assertThat(report.count(BadDataReason.MALFORMED)).isEqualTo(1);
        assertThat(report.count(BadDataReason.NOT_ALTERNATING)).isEqualTo(1);
        assertThat(report.count(BadDataReason.IMAGE_MISSING)).isEqualTo(2);
        assertThat(report.firstIds(BadDataReason.IMAGE_MISSING)).containsExactly("m", "m2");
        assertThat(report.summary()).isEqualTo(
                "read 5, used 1; malformed 1 (e.g. n), not_alternating 1 (e.g. g), image_missing 2 (e.g. m, m2)");
    }

    @Test
    void should_keep_only_the_first_ids_per_reason() {
        DataReport report = new DataReport();
        for (int i = 0; i < 8; i++) {
            report.record(BadDataReason.MALFORMED, "id" + i);
        }
        assertThat(report.count(BadDataReason.MALFORMED)).isEqualTo(8);
        assertThat(report.firstIds(BadDataReason.MALFORMED)).containsExactly("id0", "id1", "id2", "id3", "id4");
        assertThat(report.count(BadDataReason.IMAGE_MISSING)).isZero();
    }

    @Test
    void should_fail_on_broken_json_with_its_position() throws IOException {
        Path file = data("[" + GOOD + ",\n {\"id\": \"b\", ]");
        assertThatThrownBy(() -> new LlavaJsonReader(images, true).read(file, s -> { }))
                .isInstanceOf(LlavaException.class)
                .hasMessageContaining("data.json: invalid JSON at line 2");
    }

    @Test
    void should_fail_when_the_top_level_is_not_an_array() throws IOException {
        Path file = data(GOOD);
        assertThatThrownBy(() -> new LlavaJsonReader(images, true).read(file, s -> { }))
                .hasMessageContaining("expected a JSON array of samples at the top level");
        assertThatThrownBy(() -> new LlavaJsonReader(images, true).read(dir.resolve("none.json"), s -> { }))
                .hasMessageContaining("none.json: data file not found");
    }
}
