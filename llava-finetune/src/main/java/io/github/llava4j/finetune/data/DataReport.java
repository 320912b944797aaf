package io.github.llava4j.finetune.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of what a pass over a training file met: samples read, accepted, and per {@link BadDataReason} how many
 * and the first few ids. Owned by one pass (not thread-safe).
 */
public final class DataReport {
    /** How many ids are kept per reason. */
    public static final int FIRST_IDS = 5;

    private final Map<BadDataReason, Integer> counts = new EnumMap<>(BadDataReason.class);
    private final Map<BadDataReason, List<String>> firstIds = new EnumMap<>(BadDataReason.class);
    private long seen;
    private long accepted;

    /** Counts one entry met in the file, good or bad. */
    public void seen() {
        seen++;
    }

    /** Counts one sample handed on to the consumer. */
    public void accepted() {
        accepted++;
    }

    /** Counts one problem of a sample. */
    public void record(BadDataReason reason, String sampleId) {
        counts.merge(reason, 1, Integer::sum);
        List<String> ids = firstIds.computeIfAbsent(reason, r -> new ArrayList<>());
        if (ids.size() < FIRST_IDS) {
            ids.add(sampleId);
        }
    }

    public long seenCount() {
        return seen;
    }

    public long acceptedCount() {
        return accepted;
    }

    public int count(BadDataReason reason) {
        return counts.getOrDefault(reason, 0);
    }

    public List<String> firstIds(BadDataReason reason) {
        return List.copyOf(firstIds.getOrDefault(reason, List.of()));
    }

    /** One line, e.g. {@code "read 10, used 8; malformed 1 (e.g. 3), image_missing 1 (e.g. a7)"}. */
    public String summary() {
        StringBuilder out = new StringBuilder("read " + seen + ", used " + accepted);
        String sep = "; ";
        for (var e : counts.entrySet()) {
            out.append(sep).append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(e.getValue()).append(" (e.g. ").append(String.join(", ", firstIds.get(e.getKey())))
                    .append(')');
            sep = ", ";
        }
        return out.toString();
    }
}
