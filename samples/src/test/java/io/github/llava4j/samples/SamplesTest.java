package io.github.llava4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.llava4j.TinyCheckpoints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sample runs end to end on a tiny random checkpoint (answers are noise; the plumbing is what is tested). */
class SamplesTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path images;

    @BeforeAll
    static void setUp() throws IOException {
        model = TinyCheckpoints.write(Files.createDirectories(dir.resolve("tiny")), 21);
        images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 3; i++) {
            Random random = new Random(i);
            BufferedImage image = new BufferedImage(36, 24, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 36; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            ImageIO.write(image, "png", images.resolve("photo" + i + ".png").toFile());
        }
    }

    static String run(Object sample, String... args) {
        StringWriter out = new StringWriter();
        int exit = Samples.run(sample, args, new PrintWriter(out));
        assertThat(exit).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void describe_image_streams_an_answer() {
        String out = run(new DescribeImage(), "--model", model.toString(), "--image",
                images.resolve("photo0.png").toString(), "--max-new-tokens", "5");
        assertThat(out).contains("tokens, LENGTH]").contains("5 tokens").doesNotContain("Exception");
    }

    @Test
    void streaming_chat_answers_every_question() {
        String out = run(new StreamingChat(), "--model", model.toString(), "--image",
                images.resolve("photo1.png").toString(), "--question", "What is it?", "--question", "Sure?",
                "--max-new-tokens", "4");
        assertThat(out.split("ASSISTANT: ", -1)).hasSize(3);
        assertThat(out).contains("USER: What is it?").contains("USER: Sure?");
    }

    @Test
    void image_rag_indexes_the_folder_and_answers_with_one_of_its_images() {
        String out = run(new ImageRag(), "--model", model.toString(), "--images", images.toString(), "--question",
                "Which photo is the brightest?", "--max-new-tokens", "6");
        assertThat(out).contains("indexed photo0.png").contains("indexed photo1.png").contains("indexed photo2.png");
        assertThat(out).containsPattern("best image: photo[012]\\.png \\(score [0-9.-]+\\)");
        assertThat(out).contains("answer: ");
    }

    @Test
    void image_agent_calls_its_tool_and_answers() {
        String out = run(new ImageAgent(), "--model", model.toString(), "--image", images.resolve("photo2.png").toString(),
                "--tool-choice", "required", "--max-new-tokens", "96");
        assertThat(out.split("ASSISTANT: ", -1)).hasSize(3);
        assertThat(out).containsPattern("\\[tool calls: \\[.+\\]\\]");
    }
}
