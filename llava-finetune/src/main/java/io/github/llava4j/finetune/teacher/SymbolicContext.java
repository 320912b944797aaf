package io.github.llava4j.finetune.teacher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an image's captions and boxes as the text a teacher (or a judge) reads, and parses it back.
 *
 * <p>The format is stable (docs/teacher-and-evaluation.md): one caption per line; then, when boxes are included and
 * there are any, one empty line and one line per box, {@code category: [x1, y1, x2, y2]} with three decimals
 * ({@code red circle: [0.120, 0.300, 0.400, 0.550]}). Captions containing a line break are joined with a space.
 */
public final class SymbolicContext {
    private static final Pattern BOX = Pattern.compile(
            "^(.+): \\[(-?[0-9.]+), (-?[0-9.]+), (-?[0-9.]+), (-?[0-9.]+)]$");

    private SymbolicContext() {}

    /** The captions, then (if {@code withBoxes}) an empty line and the box lines. */
    public static String render(ImageAnnotation image, boolean withBoxes) {
        StringBuilder sb = new StringBuilder();
        for (String caption : image.captions()) {
            sb.append(caption.strip().replaceAll("\\s*\\R\\s*", " ")).append('\n');
        }
        if (withBoxes && !image.boxes().isEmpty()) {
            sb.append('\n');
            for (ObjectBox box : image.boxes()) {
                sb.append(renderBox(box)).append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    /** One box line: {@code category: [x1, y1, x2, y2]} with three decimals. */
    public static String renderBox(ObjectBox box) {
        return String.format(Locale.ROOT, "%s: [%.3f, %.3f, %.3f, %.3f]", box.category(), box.x1(), box.y1(),
                box.x2(), box.y2());
    }

    /** The inverse of {@link #render}: lines that look like box lines are boxes, other non-empty lines captions. */
    public static Parsed parse(String text) {
        List<String> captions = new ArrayList<>();
        List<ObjectBox> boxes = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            Matcher m = BOX.matcher(l);
            if (m.matches()) {
                boxes.add(new ObjectBox(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                        Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))));
            } else {
                captions.add(l);
            }
        }
        return new Parsed(List.copyOf(captions), List.copyOf(boxes));
    }

    /** Captions and boxes read back from a rendered context. */
    public record Parsed(List<String> captions, List<ObjectBox> boxes) {}
}
