package io.github.llava4j.finetune.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams LLaVA's training JSON ({@code [{"id", "image"?, "conversations": [{"from", "value"}]}, ...]}) one sample
 * at a time, so files of hundreds of MB never sit in memory whole. Each entry is validated (fields and types,
 * human/gpt alternation starting with human, image file present under the image root); a bad entry is either
 * counted in the {@link DataReport} and skipped, or fails the pass with a {@link BadDataException}.
 * A syntax error in the JSON itself always fails: the rest of the file cannot be trusted.
 */
public final class LlavaJsonReader {
    private final Path imageRoot;
    private final boolean skipBad;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param imageRoot folder that image paths are relative to; null skips the existence check
     * @param skipBad true: count bad entries and go on; false: throw on the first one
     */
    public LlavaJsonReader(Path imageRoot, boolean skipBad) {
        this.imageRoot = imageRoot;
        this.skipBad = skipBad;
    }

    /** Reads {@code file}, handing each good sample to {@code sink}; returns what was met. */
    public DataReport read(Path file, Consumer<Sample> sink) {
        return read(file, sink, new DataReport());
    }

    /** As {@link #read(Path, Consumer)}, counting into {@code report} (which the sink may also record into). */
    public DataReport read(Path file, Consumer<Sample> sink, DataReport report) {
        if (!Files.isRegularFile(file)) {
            throw new LlavaException(file + ": data file not found");
        }
        try (JsonParser parser = new JsonFactory(json).createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new LlavaException(file + ": expected a JSON array of samples at the top level, found "
                        + parser.currentToken());
            }
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new LlavaException(file + ": unexpected end of file inside the top-level array");
                }
                JsonNode node = parser.readValueAsTree();
                report.seen();
                Optional<Sample> sample = check(node, index++, report);
                if (sample.isPresent()) {
                    report.accepted();
                    sink.accept(sample.get());
                }
            }
        } catch (JsonProcessingException e) {
            throw new LlavaException(file + ": invalid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + " (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new LlavaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return report;
    }

    private Optional<Sample> check(JsonNode node, int index, DataReport report) {
        try {
            return Optional.of(parse(node, index));
        } catch (BadDataException e) {
            if (!skipBad) {
                throw e;
            }
            report.record(e.reason(), e.sampleId());
            return Optional.empty();
        }
    }

    /** Validates one entry; the id in errors is the entry's id, or {@code #index} when it has none. */
    Sample parse(JsonNode node, int index) {
        String where = "#" + index;
        if (!node.isObject()) {
            throw new BadDataException(where, BadDataReason.MALFORMED, "expected an object, found " + node.getNodeType());
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber())) {
            throw new BadDataException(where, BadDataReason.MALFORMED, idNode == null
                    ? "missing \"id\"" : "\"id\" must be a string or an integer, found " + idNode.getNodeType());
        }
        String id = idNode.asText();
        Optional<String> image = Optional.empty();
        JsonNode imageNode = node.get("image");
        if (imageNode != null && !imageNode.isNull()) {
            if (!imageNode.isTextual()) {
                throw new BadDataException(id, BadDataReason.MALFORMED,
                        "\"image\" must be a string, found " + imageNode.getNodeType());
            }
            image = Optional.of(imageNode.asText());
        }
        JsonNode convs = node.get("conversations");
        if (convs == null || !convs.isArray()) {
            throw new BadDataException(id, BadDataReason.MALFORMED, convs == null
                    ? "missing \"conversations\"" : "\"conversations\" must be an array, found " + convs.getNodeType());
        }
        if (convs.isEmpty()) {
            throw new BadDataException(id, BadDataReason.MALFORMED, "\"conversations\" is empty");
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            JsonNode turn = convs.get(i);
            JsonNode from = turn.get("from");
            JsonNode value = turn.get("value");
            if (!turn.isObject() || from == null || !from.isTextual() || value == null || !value.isTextual()) {
                throw new BadDataException(id, BadDataReason.MALFORMED, "conversations[" + i
                        + "] must be an object with string \"from\" and \"value\", found " + turn);
            }
            String expected = i % 2 == 0 ? Turn.HUMAN : Turn.GPT;
            if (!expected.equals(from.asText())) {
                throw new BadDataException(id, BadDataReason.NOT_ALTERNATING, "conversations[" + i + "].from is \""
                        + from.asText() + "\", expected \"" + expected + "\" (turns alternate human/gpt, human first)");
            }
            turns.add(new Turn(from.asText(), value.asText()));
        }
        if (image.isPresent() && imageRoot != null && !Files.isRegularFile(imageRoot.resolve(image.get()))) {
            throw new BadDataException(id, BadDataReason.IMAGE_MISSING,
                    "image file " + imageRoot.resolve(image.get()) + " not found");
        }
        return new Sample(id, image, turns);
    }
}
