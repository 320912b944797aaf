package io.github.llava4j.finetune.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.llava4j.LlavaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoAnnotationsTest {
    @Test
    void should_read_captions_and_normalise_pixel_boxes() {
        List<ImageAnnotation> images = CocoAnnotations.read(TeacherTestData.resource("coco/captions_tiny.json"),
                TeacherTestData.resource("coco/instances_tiny.json"));

        assertThat(images).extracting(ImageAnnotation::imageId).containsExactly("101", "102"); // 103: no captions
        ImageAnnotation first = images.get(0);
        assertThat(first.fileName()).isEqualTo("000000000101.png");
        assertThat(first.captions()).containsExactly("A red circle next to a blue square.",
                "Two shapes on a white background.");
        ObjectBox circle = first.boxes().get(0);
        assertThat(circle.category()).isEqualTo("red circle");
        // [24, 30, 56, 25] in 200x100 -> [0.12, 0.30, 0.40, 0.55]
        assertThat(circle.x1()).isCloseTo(0.12, within(1e-9));
        assertThat(circle.y1()).isCloseTo(0.30, within(1e-9));
        assertThat(circle.x2()).isCloseTo(0.40, within(1e-9));
        assertThat(circle.y2()).isCloseTo(0.55, within(1e-9));
        assertThat(images.get(1).boxes()).hasSize(1);
    }

    @Test
    void should_read_captions_without_instances() {
        List<ImageAnnotation> images = CocoAnnotations.read(TeacherTestData.resource("coco/captions_tiny.json"), null);
        assertThat(images).allSatisfy(i -> assertThat(i.boxes()).isEmpty());
    }

    @Test
    void should_name_file_and_field_when_an_annotation_is_bad(@TempDir Path dir) throws Exception {
        Path caps = dir.resolve("captions.json");
        Files.writeString(caps, "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\"}],"
                + " \"annotations\": [{\"image_id\": 1}]}");
        assertThatThrownBy(() -> CocoAnnotations.read(caps, null)).isInstanceOf(LlavaException.class)
                .hasMessageContaining("captions.json").hasMessageContaining("\"caption\"");
    }
}
