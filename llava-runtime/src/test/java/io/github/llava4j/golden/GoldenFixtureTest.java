package io.github.llava4j.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.config.FeatureSelect;
import io.github.llava4j.config.ImageMode;
import io.github.llava4j.config.LlavaConfig;
import io.github.llava4j.config.PreprocessorConfig;
import io.github.llava4j.config.ProjectorType;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validates the committed golden fixtures themselves (not the model): they parse, are internally consistent, and the
 * tiny checkpoints load with our {@link ConfigReader} and have well-formed safetensors files.
 */
class GoldenFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> checkpoints() {
        return GoldenFixture.CHECKPOINTS;
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void should_parse_golden_file_with_consistent_cases(String checkpoint) {
        GoldenFixture g = GoldenFixture.load(checkpoint);

        assertThat(g.checkpoint()).isEqualTo(checkpoint);
        assertThat(g.schemaVersion()).isEqualTo(1);
        assertThat(g.cases()).extracting(GoldenFixture.Case::name)
                .containsExactly("one_image", "two_images", "text_only");
        for (GoldenFixture.Case c : g.cases()) {
            assertThat(expand(c.inputIdsCompact(), g.imageTokenIndex(), g.imageSeqLength()))
                    .as("%s/%s expanded ids", checkpoint, c.name())
                    .containsExactly(c.inputIdsExpanded());
            assertThat(count(c.inputIdsCompact(), g.imageTokenIndex())).isEqualTo(c.images().size());
            assertThat(c.prefillLastLogits()).hasSize(g.vocabSize());
            assertThat(c.steps()).hasSize(g.maxNewTokens());
            assertThat(c.generatedIds()).containsExactly(c.steps().stream().mapToInt(GoldenFixture.Step::id).toArray());
            assertThat(argmax(c.prefillLastLogits())).isEqualTo(c.generatedIds()[0]);
            for (GoldenFixture.Step s : c.steps()) {
                assertThat(s.top5()).hasSize(5);
                assertThat(s.top5().get(0).id()).isEqualTo(s.id());
                assertThat(s.top5().get(0).logprob()).isEqualTo(s.logprob());
                assertThat(s.logprob()).isLessThanOrEqualTo(0.0);
                for (int i = 1; i < 5; i++) {
                    assertThat(s.top5().get(i).logprob()).isLessThanOrEqualTo(s.top5().get(i - 1).logprob());
                }
            }
            for (GoldenFixture.ImageInput image : c.images()) {
                assertThat(image.mode()).isEqualTo(g.imageMode());
                assertThat(image.pixelValues()).hasSize(image.shape()[0] * image.shape()[1] * image.shape()[2]);
                double sum = 0;
                for (float f : image.pixelValues()) {
                    sum += f;
                }
                assertThat(sum).isCloseTo(image.pixelSum(), offset(1e-6));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void should_load_checkpoint_config_matching_golden(String checkpoint) {
        GoldenFixture g = GoldenFixture.load(checkpoint);

        LlavaConfig config = ConfigReader.readLlavaConfig(g.dir());
        PreprocessorConfig pre = ConfigReader.readPreprocessorConfig(g.dir(), config.vision().imageSize());

        assertThat(config.imageTokenIndex()).isEqualTo(g.imageTokenIndex());
        assertThat(config.imageSeqLength()).isEqualTo(g.imageSeqLength());
        assertThat(config.text().vocabSize()).isEqualTo(g.vocabSize());
        assertThat(pre.mode()).isEqualTo(g.imageMode().equals("pad") ? ImageMode.PAD : ImageMode.CROP);
        for (GoldenFixture.Case c : g.cases()) {
            for (GoldenFixture.ImageInput image : c.images()) {
                assertThat(image.shape()).containsExactly(3, pre.cropHeight(), pre.cropWidth());
            }
        }
        switch (checkpoint) {
            case "tiny-mlp2x" -> {
                assertThat(config.projectorType()).isEqualTo(ProjectorType.MLP2X_GELU);
                assertThat(config.featureSelect()).isEqualTo(FeatureSelect.DEFAULT);
                assertThat(config.visionFeatureLayer()).isEqualTo(-2);
                assertThat(config.text().tieWordEmbeddings()).isFalse();
            }
            case "tiny-gqa-bf16" -> {
                assertThat(config.featureSelect()).isEqualTo(FeatureSelect.FULL);
                assertThat(config.text().numKeyValueHeads()).isLessThan(config.text().numAttentionHeads());
                assertThat(config.text().ropeTheta()).isEqualTo(500000.0);
                assertThat(config.text().rmsNormEps()).isEqualTo(1e-6);
            }
            case "tiny-linear-tied" -> {
                assertThat(config.projectorType()).isEqualTo(ProjectorType.LINEAR);
                assertThat(config.text().tieWordEmbeddings()).isTrue();
            }
            default -> throw new AssertionError("unknown checkpoint " + checkpoint);
        }
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void should_have_well_formed_safetensors_in_declared_dtype_and_naming(String checkpoint) throws IOException {
        GoldenFixture g = GoldenFixture.load(checkpoint);
        LlavaConfig config = ConfigReader.readLlavaConfig(g.dir());

        Map<String, String> fileOfTensor = new HashMap<>();
        for (String file : g.weightFiles()) {
            for (String name : checkHeader(g.dir().resolve(file), g.diskDtype())) {
                assertThat(fileOfTensor.put(name, file)).as("tensor %s in two files", name).isNull();
            }
        }
        if (g.weightFiles().size() > 1) {
            JsonNode map = JSON.readTree(g.dir().resolve("model.safetensors.index.json").toFile()).get("weight_map");
            Map<String, String> indexed = new HashMap<>();
            map.fields().forEachRemaining(e -> indexed.put(e.getKey(), e.getValue().asText()));
            assertThat(indexed).isEqualTo(fileOfTensor);
        }
        String lm = g.tensorNaming().equals("old") ? "language_model.model." : "model.language_model.";
        String vision = g.tensorNaming().equals("old") ? "vision_tower." : "model.vision_tower.";
        String head = g.tensorNaming().equals("old") ? "language_model.lm_head.weight" : "lm_head.weight";
        Set<String> names = fileOfTensor.keySet();
        assertThat(names).contains(lm + "embed_tokens.weight", lm + "norm.weight",
                vision + "vision_model.embeddings.patch_embedding.weight",
                vision + "vision_model.post_layernorm.weight");
        assertThat(names).doesNotContain(vision + "vision_model.embeddings.patch_embedding.bias");
        if (config.text().tieWordEmbeddings()) {
            assertThat(names).doesNotContain(head);
        } else {
            assertThat(names).contains(head);
        }
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void should_reference_existing_decodable_images(String checkpoint) throws IOException {
        GoldenFixture g = GoldenFixture.load(checkpoint);
        for (GoldenFixture.Case c : g.cases()) {
            for (GoldenFixture.ImageInput image : c.images()) {
                BufferedImage decoded = ImageIO.read(g.imagePath(image).toFile());
                assertThat(decoded).as(image.file()).isNotNull();
                assertThat(decoded.getWidth()).isNotEqualTo(decoded.getHeight());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void should_preprocess_golden_images_to_reference_pixels(String checkpoint) {
        GoldenFixture g = GoldenFixture.load(checkpoint);
        LlavaConfig config = ConfigReader.readLlavaConfig(g.dir());
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                ConfigReader.readPreprocessorConfig(g.dir(), config.vision().imageSize()));
        for (GoldenFixture.Case c : g.cases()) {
            for (GoldenFixture.ImageInput image : c.images()) {
                PixelValues actual = preprocessor.preprocess(g.imagePath(image));

                assertThat(actual.shape()).containsExactly(3L, image.shape()[1], image.shape()[2]);
                // same uint8 bicubic result and float32 arithmetic as the PIL/numpy reference: bit-exact
                assertThat(actual.chw()).as("%s %s (%s)", checkpoint, image.file(), image.mode())
                        .containsExactly(image.pixelValues());
            }
        }
    }

    /** Parses one safetensors header; checks dtype, contiguous in-bounds offsets; returns the tensor names. */
    private static List<String> checkHeader(Path file, String dtype) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).as("%s header padding", file).isZero();
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        long dataLen = bytes.length - 8 - headerLen;
        int elementSize = dtype.equals("F32") ? 4 : 2;
        List<String> names = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        header.fields().forEachRemaining(e -> {
            if (e.getKey().equals("__metadata__")) {
                return;
            }
            JsonNode t = e.getValue();
            assertThat(t.get("dtype").asText()).as("%s %s dtype", file, e.getKey()).isEqualTo(dtype);
            long elements = 1;
            for (JsonNode d : t.get("shape")) {
                elements *= d.asLong();
            }
            long start = t.get("data_offsets").get(0).asLong();
            long end = t.get("data_offsets").get(1).asLong();
            assertThat(end - start).as("%s %s byte size", file, e.getKey()).isEqualTo(elements * elementSize);
            names.add(e.getKey());
            ranges.add(new long[] {start, end});
        });
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long pos = 0;
        for (long[] r : ranges) {
            assertThat(r[0]).as("%s: tensors are contiguous", file).isEqualTo(pos);
            pos = r[1];
        }
        assertThat(pos).as("%s: data section length", file).isEqualTo(dataLen);
        assertThat(new HashSet<>(names)).hasSameSizeAs(names);
        return names;
    }

    private static int[] expand(int[] compact, int imageToken, int seqLength) {
        List<Integer> out = new ArrayList<>();
        for (int id : compact) {
            for (int i = 0; i < (id == imageToken ? seqLength : 1); i++) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int count(int[] ids, int value) {
        int n = 0;
        for (int id : ids) {
            n += id == value ? 1 : 0;
        }
        return n;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
