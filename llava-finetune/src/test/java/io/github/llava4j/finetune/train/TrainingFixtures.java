package io.github.llava4j.finetune.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.TinyCheckpoints;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.llava4j.io.Checkpoint;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.SafeTensorsWriter;
import javax.imageio.ImageIO;

/** A tiny model, a few coloured images and captions / conversations about them, all generated. */
public final class TrainingFixtures {
    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow");
    private static final List<Color> RGB = List.of(Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW);

    public final Path model;
    public final Path images;
    public final Path captions;
    public final Path conversations;

    private TrainingFixtures(Path model, Path images, Path captions, Path conversations) {
        this.model = model;
        this.images = images;
        this.captions = captions;
        this.conversations = conversations;
    }

    public static TrainingFixtures write(Path dir) {
        Path model = TinyCheckpoints.write(dir.resolve("model"), 7);
        Path images = dir.resolve("images");
        ObjectMapper json = new ObjectMapper();
        ArrayNode stage1 = json.createArrayNode();
        ArrayNode stage2 = json.createArrayNode();
        try {
            Files.createDirectories(images);
            for (int i = 0; i < COLOURS.size(); i++) {
                String file = COLOURS.get(i) + ".png";
                BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setColor(RGB.get(i));
                g.fillRect(0, 0, 40, 30);
                g.setColor(Color.WHITE);
                g.fillOval(5 + 6 * i, 5, 12, 12);
                g.dispose();
                ImageIO.write(image, "png", images.resolve(file).toFile());
                stage1.add(sample(json, "cap-" + i, file, "<image>", "a " + COLOURS.get(i) + " square"));
                stage2.add(sample(json, "conv-" + i, file, "<image>\nWhat colour is it?",
                        "It is " + COLOURS.get(i) + ".", "Sure?", "Yes, " + COLOURS.get(i) + "."));
            }
            Path captions = dir.resolve("captions.json");
            Path conversations = dir.resolve("conversations.json");
            json.writeValue(captions.toFile(), stage1);
            json.writeValue(conversations.toFile(), stage2);
            return new TrainingFixtures(model, images, captions, conversations);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code model} whose projector is re-drawn at random (std 0.2); everything else bit-identical. */
    static Path withFreshProjector(Path model, Path target, long seed) {
        java.util.Random random = new java.util.Random(seed);
        try (java.util.stream.Stream<Path> files = Files.list(model);
                Checkpoint source = Checkpoint.open(model);
                NDManager manager = NDManager.newBaseManager()) {
            Files.createDirectories(target);
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().endsWith(".safetensors")) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            Map<String, SafeTensorsWriter.TensorData> tensors = new LinkedHashMap<>();
            for (String name : source.names()) {
                float[] values = source.load(name, manager, DataType.FLOAT32).toFloatArray();
                if (name.startsWith("multi_modal_projector.")) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (random.nextGaussian() * 0.2);
                    }
                }
                tensors.put(name, new SafeTensorsWriter.TensorData(DType.F32, source.shape(name), values));
            }
            SafeTensorsWriter.write(target.resolve(Checkpoint.SINGLE_FILE), tensors);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode sample(ObjectMapper json, String id, String image, String... turns) {
        ObjectNode node = json.createObjectNode();
        node.put("id", id);
        node.put("image", image);
        ArrayNode conv = node.putArray("conversations");
        for (int i = 0; i < turns.length; i++) {
            conv.addObject().put("from", i % 2 == 0 ? "human" : "gpt").put("value", turns[i]);
        }
        return node;
    }
}
