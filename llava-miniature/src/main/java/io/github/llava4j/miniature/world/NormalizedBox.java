package io.github.llava4j.miniature.world;

import java.util.Locale;

/** A box as the LLaVA paper's symbolic representation writes it: {@code [x1, y1, x2, y2]} divided by image size. */
public record NormalizedBox(double x1, double y1, double x2, double y2) {

    public NormalizedBox {
        if (!(0 <= x1 && x1 < x2 && x2 <= 1 && 0 <= y1 && y1 < y2 && y2 <= 1)) {
            throw new IllegalArgumentException("normalized box needs 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1, got "
                    + format());
        }
    }

    /** The paper's text form with three decimals, e.g. {@code [0.125, 0.250, 0.500, 0.625]}. */
    public String format() {
        return String.format(Locale.ROOT, "[%.3f, %.3f, %.3f, %.3f]", x1, y1, x2, y2);
    }
}
