package io.github.llava4j.finetune.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's metrics as JSON lines, one object per optimizer step:
 * {@code {"step":..,"total_steps":..,"epoch":..,"loss":..,"lr":..,"grad_norm":..,"tokens_per_s":..,"step_s":..,
 * "elapsed_s":..}}; non-finite values are written as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. Every line is flushed when appended, so the file is readable while a run is going on and
 * after it crashed.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens {@code file} for appending. Existing lines with {@code step < resumeStep} are kept and the rest dropped
     * (the file is rewritten atomically), so a run resumed after {@code resumeStep} steps logs each step once;
     * {@code resumeStep = 0} starts an empty log.
     */
    public static MetricsLog open(Path file, long resumeStep) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            List<String> kept = new ArrayList<>();
            if (Files.exists(file) && resumeStep > 0) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    StepMetrics m = parse(file, lines, i);
                    if (m != null && m.step() < resumeStep) {
                        kept.add(lines.get(i));
                    }
                }
            }
            Path temp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            try {
                Files.write(temp, kept, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return new MetricsLog(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot open the metrics log (" + e.getMessage() + ")", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Appends one line and flushes it. */
    public void append(StepMetrics m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", m.step());
        o.put("total_steps", m.totalSteps());
        o.put("epoch", m.epoch());
        o.put("loss", m.loss());
        o.put("lr", m.learningRate());
        o.put("grad_norm", m.gradNorm());
        o.put("tokens_per_s", m.tokensPerSecond());
        o.put("step_s", m.stepSeconds());
        o.put("elapsed_s", m.elapsedSeconds());
        try {
            // Jackson quotes NaN and infinities (QUOTE_NON_NUMERIC_NUMBERS), keeping every line valid JSON
            out.write(JSON.writeValueAsString(o));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot append step " + m.step() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads every step of a log. A last line cut short (a crash while writing it) is skipped; any other line that is
     * not a metrics object fails, naming the file and line.
     */
    public static List<StepMetrics> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the metrics log (" + e.getMessage() + ")", e);
        }
        List<StepMetrics> metrics = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            StepMetrics m = parse(file, lines, i);
            if (m != null) {
                metrics.add(m);
            }
        }
        return metrics;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close the metrics log (" + e.getMessage() + ")", e);
        }
    }

    /** The metrics of line {@code i}, or null for a blank line or a torn last line. */
    private static StepMetrics parse(Path file, List<String> lines, int i) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
            return null;
        }
        boolean last = i == lines.size() - 1;
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            if (last) {
                return null;
            }
            throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON (" + e.getOriginalMessage()
                    + ")");
        }
        if (o == null || !o.isObject() || !o.hasNonNull("step")) {
            throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected an object with \"step\", got "
                    + line);
        }
        return new StepMetrics(o.get("step").asLong(), o.path("total_steps").asLong(0),
                number(o, "epoch"), number(o, "loss"), number(o, "lr"), number(o, "grad_norm"),
                number(o, "tokens_per_s"), number(o, "step_s"), number(o, "elapsed_s"));
    }

    private static double number(JsonNode o, String key) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
