package io.github.llava4j.langchain4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.TinyCheckpoints;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDocumentLoaderTest {
    @TempDir
    static Path dir;

    static LlavaEngine engine;
    static LlavaChatModel model;
    static Path images;

    @BeforeAll
    static void setUp() throws IOException {
        engine = Llava.load(TinyCheckpoints.write(Files.createDirectories(dir.resolve("tiny")), 9));
        model = LlavaChatModel.builder().engine(engine).maxOutputTokens(6).build();
        images = Files.createDirectories(dir.resolve("images"));
        write(images.resolve("a.png"), "png", 1);
        write(images.resolve("b.jpg"), "jpg", 2);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        write(Files.createDirectories(images.resolve("sub")).resolve("c.png"), "png", 3);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        engine.close();
    }

    static void write(Path file, String format, long seed) throws IOException {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ImageIO.write(image, format, file.toFile());
    }

    @Test
    void should_describe_each_image_with_the_model_and_name_its_source() throws IOException {
        List<Document> documents = ImageDocumentLoader.builder().describer(model).build().load(images);
        assertThat(documents).extracting(d -> d.metadata().getString(Document.FILE_NAME))
                .containsExactly("a.png", "b.jpg");
        Document a = documents.get(0);
        Path path = images.resolve("a.png").toAbsolutePath();
        assertThat(a.metadata().getString(ImageDocumentLoader.IMAGE_PATH)).isEqualTo(path.toString());
        assertThat(a.metadata().getString(ImageDocumentLoader.MIME_TYPE)).isEqualTo("image/png");
        assertThat(a.metadata().getString(Document.ABSOLUTE_DIRECTORY_PATH)).isEqualTo(path.getParent().toString());

        String expected = model.chat(UserMessage.from(
                        ImageContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(path)), "image/png"),
                        TextContent.from(ImageDocumentLoader.DEFAULT_PROMPT)))
                .aiMessage()
                .text();
        assertThat(a.text()).isEqualTo(expected.isBlank() ? "a.png" : expected);
    }

    @Test
    void should_walk_subfolders_when_recursive() {
        List<Document> documents =
                ImageDocumentLoader.builder().describer(model).recursive(true).build().load(images);
        assertThat(documents).extracting(d -> d.metadata().getString(Document.FILE_NAME))
                .containsExactlyInAnyOrder("a.png", "b.jpg", "c.png");
    }

    @Test
    void should_name_a_corrupt_image_or_skip_it_when_asked(@TempDir Path folder) throws IOException {
        write(folder.resolve("good.png"), "png", 4);
        Files.writeString(folder.resolve("broken.png"), "these bytes are no PNG");
        assertThatThrownBy(() -> ImageDocumentLoader.builder().describer(model).build().load(folder))
                .hasMessageContaining("broken.png");
        ImageDocumentLoader.Result result =
                ImageDocumentLoader.builder().describer(model).skipUnreadable(true).build().loadWithReport(folder);
        assertThat(result.documents()).hasSize(1);
        assertThat(result.skipped()).containsOnlyKeys(folder.resolve("broken.png"));
    }

    @Test
    void should_refuse_a_missing_folder() {
        assertThatThrownBy(() -> ImageDocumentLoader.builder().describer(model).build().load(dir.resolve("none")))
                .hasMessageContaining("not a folder of images");
    }
}
