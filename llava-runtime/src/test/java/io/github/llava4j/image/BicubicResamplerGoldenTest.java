package io.github.llava4j.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Decoding and resizing against PIL ({@code Image.open().convert('RGB')}, {@code resize(size, BICUBIC)}). */
class BicubicResamplerGoldenTest {

    private static final ImageLoader LOADER = new ImageLoader(ImageLoader.Options.llavaReference());

    @TestFactory
    List<DynamicTest> should_decode_and_resize_byte_exactly_like_PIL() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Golden.cases()) {
            String input = c.get("input").asText();
            tests.add(DynamicTest.dynamicTest("decode " + input, () -> {
                RgbImage rgb = LOADER.load(Golden.resourceBytes(input), input);
                assertThat(new int[] {rgb.width(), rgb.height()})
                        .containsExactly(c.get("width").asInt(), c.get("height").asInt());
                int err = Golden.maxByteError(rgb.rgb(), c.get("rgb"));
                assertThat(ImageLoader.sha256(rgb.rgb()))
                        .as("%s decoded to RGB: max |Java - PIL| = %d levels", input, err)
                        .isEqualTo(c.get("rgb").get("sha256").asText());
            }));
            for (JsonNode r : c.get("resize")) {
                int w = r.get("width").asInt();
                int h = r.get("height").asInt();
                tests.add(DynamicTest.dynamicTest("resize " + input + " to " + w + "x" + h, () -> {
                    RgbImage src = LOADER.load(Golden.resourceBytes(input), input);
                    RgbImage out = BicubicResampler.resize(src, w, h);
                    int err = Golden.maxByteError(out.rgb(), r);
                    assertThat(ImageLoader.sha256(out.rgb()))
                            .as("%s -> %dx%d: max |Java - PIL| = %d levels (expected byte-exact)", input, w, h, err)
                            .isEqualTo(r.get("sha256").asText());
                }));
            }
        }
        return tests;
    }
}
