package io.github.llava4j.finetune.scienceqa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ScienceQA accuracy overall and per group, as the ScienceQA paper's table (and LLaVA's Table 7) reports it: subject
 * NAT/SOC/LAN, context modality TXT (has a text hint), IMG (has an image), NO (neither; TXT and IMG overlap), and
 * grade band G1-6 / G7-12. A problem with no extracted answer counts as wrong.
 */
public final class SqaScores {
    /** Group names in report order. */
    public static final List<String> GROUPS = List.of("NAT", "SOC", "LAN", "TXT", "IMG", "NO", "G1-6", "G7-12", "all");

    private final Map<String, int[]> counts = new LinkedHashMap<>();

    public SqaScores() {
        GROUPS.forEach(g -> counts.put(g, new int[2]));
    }

    /** Records one problem's outcome. */
    public synchronized void add(SqaProblem p, boolean correct) {
        for (String g : groups(p)) {
            int[] c = counts.get(g);
            c[0] += correct ? 1 : 0;
            c[1]++;
        }
    }

    /** The groups a problem falls in (always including "all"). */
    public static List<String> groups(SqaProblem p) {
        List<String> g = new java.util.ArrayList<>();
        switch (p.subject()) {
            case "natural science" -> g.add("NAT");
            case "social science" -> g.add("SOC");
            case "language science" -> g.add("LAN");
            default -> { }
        }
        boolean text = !p.hint().isBlank();
        boolean image = p.image() != null;
        if (text) {
            g.add("TXT");
        }
        if (image) {
            g.add("IMG");
        }
        if (!text && !image) {
            g.add("NO");
        }
        int grade = p.gradeNumber();
        if (grade >= 1 && grade <= 6) {
            g.add("G1-6");
        } else if (grade >= 7 && grade <= 12) {
            g.add("G7-12");
        }
        g.add("all");
        return g;
    }

    /** Accuracy of a group in percent (NaN when it has no problems). */
    public synchronized double accuracy(String group) {
        int[] c = counts.get(group);
        if (c == null) {
            throw new IllegalArgumentException("unknown group " + group + ", expected one of " + GROUPS);
        }
        return c[1] == 0 ? Double.NaN : 100.0 * c[0] / c[1];
    }

    /** Problems counted in a group. */
    public synchronized int count(String group) {
        return counts.get(group)[1];
    }

    /** A table: group, problems, correct, accuracy. */
    public synchronized String format() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s %8s %8s %9s%n", "group", "problems",
                "correct", "accuracy"));
        counts.forEach((g, c) -> sb.append(String.format(Locale.ROOT, "%-6s %8d %8d %8.2f%%%n", g, c[1], c[0],
                c[1] == 0 ? Double.NaN : 100.0 * c[0] / c[1])));
        return sb.toString().stripTrailing();
    }
}
