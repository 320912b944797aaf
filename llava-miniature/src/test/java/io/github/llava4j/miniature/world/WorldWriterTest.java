package io.github.llava4j.miniature.world;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WorldConfig config = WorldConfig.defaults();

    @TempDir
    Path tmp;

    @Test
    void should_write_coco_captions_with_coco_field_names() throws IOException {
        WorldWriter.Split split = new WorldWriter(config, 1).write(tmp.resolve("val"), "val", 100, 6);

        JsonNode root = JSON.readTree(split.captionsFile().toFile());

        assertThat(split.captionsFile().getFileName().toString()).isEqualTo("captions_val.json");
        assertThat(fields(root)).containsExactlyInAnyOrder("info", "licenses", "images", "annotations");
        assertThat(root.get("images")).hasSize(6);
        assertThat(fields(root.get("images").get(0))).containsExactlyInAnyOrder("id", "file_name", "width", "height");
        assertThat(root.get("images").get(0).get("id").asLong()).isEqualTo(100);
        assertThat(root.get("images").get(0).get("file_name").asText()).isEqualTo("000000000100.png");
        assertThat(root.get("annotations")).hasSize(6 * config.captionsPerImage());
        JsonNode caption = root.get("annotations").get(0);
        assertThat(fields(caption)).containsExactlyInAnyOrder("id", "image_id", "caption");
        assertThat(caption.get("image_id").asLong()).isEqualTo(100);
    }

    @Test
    void should_write_coco_instances_whose_boxes_match_the_scenes() throws IOException {
        WorldWriter.Split split = new WorldWriter(config, 1).write(tmp, "train", 0, 8);

        JsonNode root = JSON.readTree(split.instancesFile().toFile());

        assertThat(fields(root)).containsExactlyInAnyOrder("info", "licenses", "images", "annotations", "categories");
        assertThat(root.get("categories")).hasSize(config.colours().size() * config.shapes().size());
        JsonNode category = root.get("categories").get(0);
        assertThat(fields(category)).containsExactlyInAnyOrder("id", "name", "supercategory");
        assertThat(category.get("name").asText()).isEqualTo("red circle");
        assertThat(category.get("supercategory").asText()).isEqualTo("circle");
        Map<Integer, String> categoryNames = new HashMap<>();
        root.get("categories").forEach(c -> categoryNames.put(c.get("id").asInt(), c.get("name").asText()));

        Map<Long, List<JsonNode>> byImage = new HashMap<>();
        for (JsonNode a : root.get("annotations")) {
            assertThat(fields(a)).containsExactlyInAnyOrder(
                    "id", "image_id", "category_id", "segmentation", "area", "bbox", "iscrowd");
            assertThat(a.get("iscrowd").asInt()).isZero();
            byImage.computeIfAbsent(a.get("image_id").asLong(), k -> new ArrayList<>()).add(a);
        }
        for (Scene scene : split.scenes()) {
            List<JsonNode> annotations = byImage.get(scene.id());
            assertThat(annotations).hasSize(scene.objects().size());
            for (int i = 0; i < annotations.size(); i++) {
                SceneObject o = scene.objects().get(i);
                JsonNode a = annotations.get(i);
                JsonNode bbox = a.get("bbox");
                double s = scene.imageSize();
                NormalizedBox n = o.normalizedBox();
                assertThat(categoryNames.get(a.get("category_id").asInt())).isEqualTo(o.category());
                assertThat(bbox.get(0).asDouble() / s).isEqualTo(n.x1());
                assertThat(bbox.get(1).asDouble() / s).isEqualTo(n.y1());
                assertThat((bbox.get(0).asDouble() + bbox.get(2).asDouble()) / s).isEqualTo(n.x2());
                assertThat((bbox.get(1).asDouble() + bbox.get(3).asDouble()) / s).isEqualTo(n.y2());
                assertThat(a.get("area").asDouble()).isEqualTo(bbox.get(2).asDouble() * bbox.get(3).asDouble());
                assertThat(a.get("segmentation").get(0)).hasSize(8);
            }
            BufferedImage png = ImageIO.read(tmp.resolve("images").resolve(WorldWriter.fileName(scene.id())).toFile());
            assertThat(png.getWidth()).isEqualTo(scene.imageSize());
        }
    }

    @Test
    void should_write_identical_bytes_for_the_same_seed_and_different_for_another() throws IOException {
        new WorldWriter(config, 5).write(tmp.resolve("a"), "val", 0, 5);
        new WorldWriter(config, 5).write(tmp.resolve("b"), "val", 0, 5);
        new WorldWriter(config, 6).write(tmp.resolve("c"), "val", 0, 5);

        for (String file : List.of("captions_val.json", "instances_val.json", "images/000000000003.png")) {
            byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(file));
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(file))).as(file).isEqualTo(a);
            assertThat(Files.readAllBytes(tmp.resolve("c").resolve(file))).as(file).isNotEqualTo(a);
        }
        try (var files = Files.list(tmp.resolve("a"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("images", "captions_val.json", "instances_val.json");
        }
    }

    @Test
    void should_write_questions_as_json() throws IOException {
        Scene scene = Fixtures.redCircleBlueSquare();
        List<EvalQuestion> questions = new QuestionGenerator(config, 0).all(scene);

        Path file = WorldWriter.writeQuestions(tmp, "test", questions);

        JsonNode root = JSON.readTree(file.toFile());
        assertThat(root).hasSize(questions.size());
        assertThat(fields(root.get(0))).containsExactlyInAnyOrder("sceneId", "type", "question", "answer");
        assertThat(JSON.readerForListOf(EvalQuestion.class).<List<EvalQuestion>>readValue(file.toFile()))
                .isEqualTo(questions);
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
