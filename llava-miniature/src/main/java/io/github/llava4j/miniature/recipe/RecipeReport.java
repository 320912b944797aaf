package io.github.llava4j.miniature.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.finetune.train.MetricsLog;
import io.github.llava4j.finetune.train.StepMetrics;
import io.github.llava4j.finetune.train.TrainingResult;
import io.github.llava4j.miniature.world.Accuracy;
import io.github.llava4j.miniature.world.AccuracyReport;
import io.github.llava4j.miniature.world.QuestionType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a recipe run's table as markdown ({@code report.md}) and JSON ({@code report.json}). */
final class RecipeReport {
    private RecipeReport() {}

    static void write(MiniatureRecipe.Report report, RecipeConfig config, Path out) {
        try {
            Files.writeString(out.resolve("report.md"), markdown(report, config));
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("report.json").toFile(),
                    json(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String markdown(MiniatureRecipe.Report report, RecipeConfig config) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Held-out scenes: %d, questions: %d, seed %d.%n%n",
                config.heldOutImages(), report.results().get(0).answers().size(), config.seed()));
        appendHeader(sb, "model", "description F1");
        for (Evaluator.Result r : report.results()) {
            appendCells(sb.append("| ").append(r.name()).append(" |"), r.accuracy());
            sb.append(String.format(Locale.ROOT, " %.2f |%n", r.description().f1()));
        }
        appendHeader(sb.append("\nThe full model by the number of objects in the question's scene:\n\n"), "objects",
                "questions");
        report.fullByObjects().forEach((objects, accuracy) -> appendCells(sb.append("| ").append(objects).append(" |"),
                accuracy).append(' ').append(accuracy.overall().total()).append(" |\n"));
        sb.append("\n| step | seconds |\n|---|---|\n");
        double total = 0;
        for (Map.Entry<String, Double> e : report.secondsPerStep().entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f |%n", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        sb.append(String.format(Locale.ROOT, "| total | %.0f |%n%n", total));
        sb.append("| training | steps | first loss | last loss | s/step |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, TrainingResult> e : report.training().entrySet()) {
            List<StepMetrics> m = MetricsLog.read(e.getValue().metrics());
            double perStep = m.stream().mapToDouble(StepMetrics::stepSeconds).average().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f |%n", e.getKey(), m.size(),
                    m.get(0).loss(), m.get(m.size() - 1).loss(), perStep));
        }
        sb.append("\nTeacher: ").append(report.teacher().format()).append('\n');
        return sb.toString();
    }

    /** A table's header and separator rows: {@code first}, one column per question type, overall, {@code last}. */
    private static void appendHeader(StringBuilder sb, String first, String last) {
        sb.append("| ").append(first).append(" |");
        for (QuestionType t : QuestionType.values()) {
            sb.append(' ').append(t.name().toLowerCase(Locale.ROOT)).append(" |");
        }
        sb.append(" overall | ").append(last).append(" |\n|---|");
        sb.append("---|".repeat(QuestionType.values().length + 2)).append('\n');
    }

    /** One cell per question type, then the overall one. */
    private static StringBuilder appendCells(StringBuilder sb, AccuracyReport accuracy) {
        for (QuestionType t : QuestionType.values()) {
            sb.append(' ').append(percent(accuracy.perType().get(t))).append(" |");
        }
        return sb.append(' ').append(percent(accuracy.overall())).append(" |");
    }

    /** Each type's fraction, the overall one and the number of questions. */
    private static ObjectNode putAccuracy(ObjectNode node, AccuracyReport accuracy) {
        accuracy.perType().forEach((t, a) -> node.put(t.name().toLowerCase(Locale.ROOT), a.fraction()));
        node.put("overall", accuracy.overall().fraction());
        return node.put("questions", accuracy.overall().total());
    }

    private static String percent(Accuracy a) {
        return a == null || a.total() == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * a.fraction());
    }

    private static ObjectNode json(MiniatureRecipe.Report report) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode results = root.putObject("results");
        for (Evaluator.Result r : report.results()) {
            putAccuracy(results.putObject(r.name()), r.accuracy()).put("description_f1", r.description().f1());
        }
        ObjectNode byObjects = root.putObject("full_by_objects");
        report.fullByObjects().forEach((objects, accuracy) -> putAccuracy(byObjects.putObject(objects.toString()),
                accuracy));
        ObjectNode seconds = root.putObject("seconds");
        report.secondsPerStep().forEach(seconds::put);
        return root;
    }
}
