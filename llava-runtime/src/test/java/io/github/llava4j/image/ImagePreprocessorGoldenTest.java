package io.github.llava4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.llava4j.config.ImageMode;
import io.github.llava4j.config.PreprocessorConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Final pixel values against the PIL + numpy reference of LLaVA-1.5 expand2square and CLIPImageProcessor. */
class ImagePreprocessorGoldenTest {

    private static final ImageLoader LOADER = new ImageLoader(ImageLoader.Options.llavaReference());

    @TestFactory
    List<DynamicTest> should_match_reference_pixel_values_in_pad_and_crop_modes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Golden.cases()) {
            String input = c.get("input").asText();
            for (JsonNode p : c.get("pixels")) {
                ImageMode mode = ImageMode.valueOf(p.get("mode").asText());
                int size = p.get("size").asInt();
                int shortestEdge = p.has("shortest_edge") ? p.get("shortest_edge").asInt() : size;
                String name = input + " " + mode + " crop " + size + " shortest edge " + shortestEdge;
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    PreprocessorConfig config = config(mode, shortestEdge, size);
                    RgbImage image = LOADER.load(Golden.resourceBytes(input), input);
                    PixelValues px = new ImagePreprocessor(config, LOADER).preprocess(image);
                    assertThat(px.shape()).containsExactly(3, size, size);
                    double err = Golden.maxFloatError(px.chw(), p);
                    assertThat(err).as("%s: max |Java - reference| = %g", name, err).isLessThanOrEqualTo(1e-6);
                    assertThat(ImageLoader.sha256(Golden.littleEndian(px.chw())))
                            .as("%s: float32 bits identical to the reference (max |diff| = %g)", name, err)
                            .isEqualTo(p.get("sha256").asText());
                }));
            }
        }
        return tests;
    }

    static PreprocessorConfig config(ImageMode mode, int shortestEdge, int crop) {
        PreprocessorConfig d = PreprocessorConfig.clipDefaults(crop);
        return new PreprocessorConfig(mode, true, shortestEdge, PreprocessorConfig.PIL_BICUBIC, true, crop, crop,
                true, 1.0 / 255.0, true, d.mean(), d.std());
    }
}
