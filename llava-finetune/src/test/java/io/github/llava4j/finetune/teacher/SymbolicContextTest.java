package io.github.llava4j.finetune.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SymbolicContextTest {
    private final ImageAnnotation image = new ImageAnnotation("7", "7.png",
            List.of("A red circle.", "Two shapes\non white."),
            List.of(new ObjectBox("red circle", 0.12, 0.3, 0.4, 0.55),
                    new ObjectBox("blue square", 0.6, 0.2, 0.9, 0.8)));

    @Test
    void should_render_captions_one_per_line_then_boxes_with_three_decimals() {
        assertThat(SymbolicContext.render(image, true)).isEqualTo("""
                A red circle.
                Two shapes on white.

                red circle: [0.120, 0.300, 0.400, 0.550]
                blue square: [0.600, 0.200, 0.900, 0.800]""");
    }

    @Test
    void should_leave_boxes_out_when_asked() {
        assertThat(SymbolicContext.render(image, false)).isEqualTo("A red circle.\nTwo shapes on white.");
    }

    @Test
    void should_parse_a_rendering_back() {
        SymbolicContext.Parsed parsed = SymbolicContext.parse(SymbolicContext.render(image, true));
        assertThat(parsed.captions()).containsExactly("A red circle.", "Two shapes on white.");
        assertThat(parsed.boxes()).containsExactlyElementsOf(image.boxes());
    }
}
