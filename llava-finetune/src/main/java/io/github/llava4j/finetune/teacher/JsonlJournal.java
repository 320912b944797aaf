package io.github.llava4j.finetune.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.LlavaException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only JSON Lines file, one object per line, flushed after each line so that a killed run loses at most
 * the line being written. On opening, the lines already there are read back; a last line cut short by a kill is
 * dropped (and the file truncated to the last complete line), any other bad line fails with the line number.
 */
public final class JsonlJournal implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<JsonNode> existing;
    private final BufferedWriter writer;

    private JsonlJournal(Path file, List<JsonNode> existing, BufferedWriter writer) {
        this.file = file;
        this.existing = existing;
        this.writer = writer;
    }

    /** Opens (creating it if needed) {@code file} for appending, reading back what it holds. */
    public static JsonlJournal open(Path file) {
        List<JsonNode> existing = new ArrayList<>();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (Files.exists(file)) {
                existing.addAll(readAll(file, true));
            }
            BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new JsonlJournal(file, existing, writer);
        } catch (IOException e) {
            throw new LlavaException(file + ": cannot open journal (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads every line of a JSON Lines file.
     *
     * @param repairTail true: drop (and cut off the file) a last line that does not parse, as a killed run leaves
     */
    public static List<JsonNode> readAll(Path file, boolean repairTail) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            List<JsonNode> nodes = new ArrayList<>();
            String[] lines = content.split("\n", -1);
            long goodLength = 0;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                boolean last = i == lines.length - 1 || (i == lines.length - 2 && lines[lines.length - 1].isEmpty());
                if (!line.isBlank()) {
                    try {
                        nodes.add(JSON.readTree(line));
                    } catch (JsonProcessingException e) {
                        if (repairTail && last) {
                            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                                channel.truncate(goodLength);
                            }
                            break;
                        }
                        throw new LlavaException(file + ": line " + (i + 1) + " is not JSON ("
                                + e.getOriginalMessage() + ")", e);
                    }
                }
                goodLength += line.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            return nodes;
        } catch (IOException e) {
            throw new LlavaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The objects the file held when it was opened. */
    public List<JsonNode> existing() {
        return List.copyOf(existing);
    }

    /** Appends one object as a line and flushes it; safe to call from several threads. */
    public synchronized void append(JsonNode node) {
        try {
            writer.write(JSON.writeValueAsString(node));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot append to journal", e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close journal", e);
        }
    }
}
