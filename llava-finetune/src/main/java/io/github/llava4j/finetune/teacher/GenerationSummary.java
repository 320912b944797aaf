package io.github.llava4j.finetune.teacher;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Counts of one generation run per response type: samples generated now, skipped because a previous run's journal
 * already had them, replies that did not parse (malformed) and calls that failed after all retries.
 */
public record GenerationSummary(Map<ResponseType, Counts> perType, int written, List<String> problems) {
    public GenerationSummary {
        perType = Map.copyOf(perType);
        problems = List.copyOf(problems);
    }

    /** The counts of one type. */
    public record Counts(int generated, int skipped, int malformed, int failed) {}

    /** The counts of {@code type} (zeros if it was not asked for). */
    public Counts counts(ResponseType type) {
        return perType.getOrDefault(type, new Counts(0, 0, 0, 0));
    }

    /** A few lines: one per type, then the number of samples in the output file. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-13s %9s %8s %9s %7s%n", "type", "generated", "skipped", "malformed", "failed"));
        for (ResponseType type : ResponseType.values()) {
            if (perType.containsKey(type)) {
                Counts c = perType.get(type);
                sb.append(String.format("%-13s %9d %8d %9d %7d%n", type.id(), c.generated(), c.skipped(),
                        c.malformed(), c.failed()));
            }
        }
        sb.append("samples in output: ").append(written);
        return sb.toString();
    }

    /** Thread-safe counters behind a summary. */
    static final class Counter {
        private final AtomicIntegerArray counts = new AtomicIntegerArray(ResponseType.values().length * 4);

        void add(ResponseType type, int column) {
            counts.incrementAndGet(type.ordinal() * 4 + column);
        }

        Map<ResponseType, Counts> snapshot(Iterable<ResponseType> types) {
            Map<ResponseType, Counts> map = new EnumMap<>(ResponseType.class);
            for (ResponseType t : types) {
                int b = t.ordinal() * 4;
                map.put(t, new Counts(counts.get(b), counts.get(b + 1), counts.get(b + 2), counts.get(b + 3)));
            }
            return map;
        }
    }
}
