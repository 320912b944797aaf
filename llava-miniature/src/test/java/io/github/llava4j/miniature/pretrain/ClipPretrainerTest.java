package io.github.llava4j.miniature.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.RgbImage;
import io.github.llava4j.miniature.world.NormalizedBox;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipPretrainerTest {
    private static final String[] NAMES = {"red", "green", "blue", "yellow", "purple", "black"};
    private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, new Color(128, 0, 160),
        Color.BLACK};

    @TempDir
    static Path dir;

    static Path base;
    static Path trained;
    static PretrainResult result;
    static List<ImageCaption> heldOut;
    static ImagePreprocessor preprocessor;

    @BeforeAll
    static void train() {
        base = dir.resolve("base");
        String corpus = String.join(" ", Arrays.stream(NAMES).map(n -> "a " + n + " square.").toList());
        BaseCheckpoint.write(base, MiniatureArchitecture.tiny(), corpus, 7, 300);
        preprocessor = new ImagePreprocessor(ConfigReader.readPreprocessorConfig(base,
                MiniatureArchitecture.tiny().imageSize()));
        List<ImageCaption> training = squares(240, 1, preprocessor);
        heldOut = squares(60, 2, preprocessor);
        trained = dir.resolve("clip");
        result = new ClipPretrainer(ClipPretrainerConfig.builder().steps(60).batchSize(24).learningRate(2e-3)
                .seed(3).metrics(trained.resolve("clip_metrics.jsonl")).build()).train(base, training, trained);
    }

    @Test
    void should_lower_the_contrastive_loss_clearly() {
        assertThat(result.metrics()).hasSize(60);
        assertThat(result.finalLoss()).isLessThan(0.6 * result.firstLoss());
        assertThat(trained.resolve("clip_metrics.jsonl")).isRegularFile();
    }

    @Test
    void should_retrieve_held_out_captions_far_above_chance() {
        RetrievalResult retrieval = ClipPretrainer.evaluateRetrieval(trained, heldOut);
        assertThat(retrieval.candidates()).isEqualTo(NAMES.length);
        assertThat(retrieval.accuracy()).isGreaterThan(3 * retrieval.chance());
    }

    @Test
    void should_change_the_vision_tower_only() {
        Map<String, float[]> before = PretrainFixtures.weights(base);
        Map<String, float[]> after = PretrainFixtures.weights(trained);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        int changedVision = 0;
        for (String name : before.keySet()) {
            boolean same = Arrays.equals(before.get(name), after.get(name));
            if (name.startsWith("vision_tower.")) {
                changedVision += same ? 0 : 1;
            } else {
                assertThat(same).as(name + " unchanged").isTrue();
            }
        }
        assertThat(changedVision).isGreaterThan(10);
        assertThat(after.get("vision_tower.vision_model.embeddings.patch_embedding.weight"))
                .isNotEqualTo(before.get("vision_tower.vision_model.embeddings.patch_embedding.weight"));
        assertThat(trained.resolve(ClipHeads.FILE)).isRegularFile();
        assertThat(PretrainFixtures.tensors(trained.resolve(ClipHeads.FILE))).containsKeys(ClipHeads.TOKEN_EMBEDDING,
                ClipHeads.TEXT_PROJECTION, ClipHeads.VISUAL_PROJECTION, ClipHeads.LOGIT_SCALE);
    }

    @Test
    void should_teach_the_features_under_each_region_its_phrase() {
        // every image has the same caption, so only the regions can tell which colour each square has
        List<ImageCaption> training = twoSquares(240, 5);
        List<ImageCaption> held = twoSquares(60, 6);
        ClipPretrainerConfig config = ClipPretrainerConfig.builder().steps(60).batchSize(24).learningRate(2e-3)
                .seed(3).build();
        Path withRegions = dir.resolve("regions");
        new ClipPretrainer(config).train(base, training, withRegions);
        Path captionsOnly = dir.resolve("captions-only");
        new ClipPretrainer(config).train(base,
                training.stream().map(p -> ImageCaption.ofPixels(p.pixels(), p.captions())).toList(), captionsOnly);

        RetrievalResult taught = ClipPretrainer.evaluateRegionRetrieval(withRegions, held);
        RetrievalResult untaught = ClipPretrainer.evaluateRegionRetrieval(captionsOnly, held);
        assertThat(taught.images()).isEqualTo(120);
        assertThat(taught.candidates()).isEqualTo(NAMES.length);
        assertThat(taught.accuracy()).isGreaterThan(0.6).isGreaterThan(untaught.accuracy() + 0.3);
    }

    @Test
    void should_be_deterministic_for_a_seed_reading_image_files() throws Exception {
        List<ImageCaption> data = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < 8; i++) {
            Path png = dir.resolve("square-" + i + ".png");
            ImageIO.write(square(i % NAMES.length, random), "png", png.toFile());
            data.add(ImageCaption.ofFile(png, List.of("a " + NAMES[i % NAMES.length] + " square.", "a square.")));
        }
        ClipPretrainerConfig config = ClipPretrainerConfig.builder().steps(2).batchSize(4).seed(9).build();
        new ClipPretrainer(config).train(base, data, dir.resolve("a"));
        new ClipPretrainer(config).train(base, data, dir.resolve("b"));
        assertThat(Files.readAllBytes(dir.resolve("a").resolve(ClipHeads.FILE)))
                .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(ClipHeads.FILE)));
        assertThat(Files.readAllBytes(dir.resolve("a").resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve("model.safetensors")));
    }

    @Test
    void should_refuse_fewer_pairs_than_a_batch() {
        ClipPretrainer trainer = new ClipPretrainer(ClipPretrainerConfig.builder().batchSize(32).build());
        List<ImageCaption> few = heldOut.subList(0, 5);
        assertThatThrownBy(() -> trainer.train(base, few, dir.resolve("never")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("5 image-caption pairs are fewer than one batch of 32");
    }

    @Test
    void should_refuse_groups_of_different_sizes_or_a_batch_they_do_not_fill() {
        ClipPretrainer trainer = new ClipPretrainer(ClipPretrainerConfig.builder().batchSize(6).build());
        List<List<ImageCaption>> uneven = List.of(heldOut.subList(0, 3), heldOut.subList(3, 5));
        assertThatThrownBy(() -> trainer.trainGroups(base, uneven, dir.resolve("never")))
                .hasMessage("group 1 has 2 image-caption pairs, group 0 has 3; all groups need one size");
        List<List<ImageCaption>> fours = List.of(heldOut.subList(0, 4), heldOut.subList(4, 8));
        assertThatThrownBy(() -> trainer.trainGroups(base, fours, dir.resolve("never")))
                .hasMessage("batchSize 6 is not a multiple of the group size 4");
    }

    @Test
    void should_keep_every_group_whole_in_a_batch_and_use_each_once_per_epoch() {
        ClipPretrainer trainer = new ClipPretrainer(ClipPretrainerConfig.builder().batchSize(6).seed(5).build());
        List<List<ImageCaption>> groups = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            groups.add(heldOut.subList(3 * g, 3 * g + 3));
        }
        int stepsPerEpoch = 4; // 8 groups, 2 per batch
        List<ImageCaption> epoch = new ArrayList<>();
        for (int step = 0; step < stepsPerEpoch; step++) {
            List<ImageCaption> batch = trainer.batch(groups, 2, step, stepsPerEpoch);
            assertThat(batch).hasSize(6);
            assertThat(groups).contains(batch.subList(0, 3), batch.subList(3, 6));
            epoch.addAll(batch);
        }
        assertThat(epoch).containsExactlyInAnyOrderElementsOf(heldOut.subList(0, 24));
    }

    /** One coloured square per image at a random place and size on white, captioned with its colour. */
    static List<ImageCaption> squares(int n, long seed, ImagePreprocessor preprocessor) {
        int size = MiniatureArchitecture.tiny().imageSize();
        Random random = new Random(seed);
        List<ImageCaption> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int colour = i % NAMES.length;
            BufferedImage image = square(colour, random);
            byte[] rgb = new byte[size * size * 3];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int p = image.getRGB(x, y);
                    int k = (y * size + x) * 3;
                    rgb[k] = (byte) (p >> 16);
                    rgb[k + 1] = (byte) (p >> 8);
                    rgb[k + 2] = (byte) p;
                }
            }
            out.add(ImageCaption.ofPixels(preprocessor.preprocess(new RgbImage(size, size, rgb)),
                    List.of("a " + NAMES[colour] + " square.")));
        }
        return out;
    }

    /** Images of two squares of different colours, left and right, all captioned alike; a region per square. */
    private static List<ImageCaption> twoSquares(int n, long seed) {
        int size = MiniatureArchitecture.tiny().imageSize();
        int side = 12;
        Random random = new Random(seed);
        List<ImageCaption> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int left = random.nextInt(NAMES.length);
            int right = (left + 1 + random.nextInt(NAMES.length - 1)) % NAMES.length;
            int y = 2 + random.nextInt(size - side - 3);
            byte[] rgb = new byte[size * size * 3];
            Arrays.fill(rgb, (byte) 255);
            List<ImageRegion> regions = new ArrayList<>();
            for (int[] square : new int[][] {{left, 2}, {right, size / 2 + 2}}) {
                Color c = COLOURS[square[0]];
                for (int yy = y; yy < y + side; yy++) {
                    for (int xx = square[1]; xx < square[1] + side; xx++) {
                        int k = (yy * size + xx) * 3;
                        rgb[k] = (byte) c.getRed();
                        rgb[k + 1] = (byte) c.getGreen();
                        rgb[k + 2] = (byte) c.getBlue();
                    }
                }
                regions.add(new ImageRegion(new NormalizedBox((double) square[1] / size, (double) y / size,
                        (double) (square[1] + side) / size, (double) (y + side) / size), "a " + NAMES[square[0]]
                        + " square."));
            }
            out.add(ImageCaption.ofPixels(preprocessor.preprocess(new RgbImage(size, size, rgb)),
                    List.of("a square and a square."), regions));
        }
        return out;
    }

    private static BufferedImage square(int colour, Random random) {
        int size = MiniatureArchitecture.tiny().imageSize();
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        int side = 8 + random.nextInt(10);
        g.setColor(COLOURS[colour]);
        g.fillRect(random.nextInt(size - side + 1), random.nextInt(size - side + 1), side, side);
        g.dispose();
        return image;
    }
}
