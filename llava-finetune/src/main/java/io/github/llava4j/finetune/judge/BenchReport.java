package io.github.llava4j.finetune.judge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LLaVA-Bench scores as LLaVA's summarize script reports them: per category and overall, the mean score of the
 * reference and of the candidate (1-10) and the relative score, candidate mean / reference mean x 100. Unlike the
 * script, unparseable judgements are left out of the means and counted instead of being averaged in as -1.
 */
public record BenchReport(List<Row> rows) {
    /** The row name of all questions together. */
    public static final String ALL = "all";

    public BenchReport {
        rows = List.copyOf(rows);
    }

    /** One category's figures; the means are NaN when no judgement of it parsed. */
    public record Row(String category, int questions, int unparseable, double referenceMean, double candidateMean) {
        /** candidate mean / reference mean x 100 (NaN when undefined). */
        public double relative() {
            return candidateMean / referenceMean * 100.0;
        }
    }

    /** Rows for {@code conversation}, {@code detail}, {@code complex} (those present, in that order), any other
     * categories in order of appearance, then {@link #ALL}. */
    public static BenchReport of(List<Judgement> judgements) {
        Map<String, List<Judgement>> byCategory = new LinkedHashMap<>();
        for (String c : List.of("conversation", "detail", "complex")) {
            byCategory.put(c, new ArrayList<>());
        }
        for (Judgement j : judgements) {
            byCategory.computeIfAbsent(j.category(), k -> new ArrayList<>()).add(j);
        }
        List<Row> rows = new ArrayList<>();
        byCategory.forEach((c, js) -> {
            if (!js.isEmpty()) {
                rows.add(row(c, js));
            }
        });
        rows.add(row(ALL, judgements));
        return new BenchReport(rows);
    }

    private static Row row(String category, List<Judgement> js) {
        double ref = 0;
        double cand = 0;
        int parsed = 0;
        for (Judgement j : js) {
            if (j.scores().isPresent()) {
                ref += j.scores().get().reference();
                cand += j.scores().get().candidate();
                parsed++;
            }
        }
        return new Row(category, js.size(), js.size() - parsed, parsed == 0 ? Double.NaN : ref / parsed,
                parsed == 0 ? Double.NaN : cand / parsed);
    }

    /** The row of {@code category}, or null. */
    public Row row(String category) {
        return rows.stream().filter(r -> r.category().equals(category)).findFirst().orElse(null);
    }

    /** A plain-text table: category, questions, unparseable, reference mean, candidate mean, relative score. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-14s %9s %11s %9s %9s %9s%n", "category",
                "questions", "unparseable", "reference", "candidate", "relative"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %9d %11d %9.2f %9.2f %8.1f%%%n", r.category(),
                    r.questions(), r.unparseable(), r.referenceMean(), r.candidateMean(), r.relative()));
        }
        return sb.toString().stripTrailing();
    }
}
