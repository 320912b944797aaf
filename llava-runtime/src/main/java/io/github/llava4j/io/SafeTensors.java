package io.github.llava4j.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped reader of one safetensors file.
 *
 * <p>The whole header is validated before any tensor data is touched: the 8-byte header length is bounded, the JSON
 * is parsed strictly (duplicate names rejected), every dtype is known, every tensor's byte range lies inside the
 * data section, ranges do not overlap, and shape x dtype size equals the byte length. Errors name the file, the
 * tensor and the expected versus actual value.
 *
 * <p>Tensors are mapped one at a time ({@link #map}), because on Java 17 a {@link java.nio.MappedByteBuffer} cannot
 * exceed 2 GiB while a shard can; every tensor of a real LLaVA checkpoint is below that. Mapped buffers stay valid
 * after {@link #close()} and are unmapped by the garbage collector (Java 17 has no explicit unmap).
 */
public final class SafeTensors implements AutoCloseable {
    /** Largest header accepted; real headers are well under 1 MB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; the file stays open until {@link #close()}. */
    public static SafeTensors open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": file not found");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            return read(path, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static SafeTensors read(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointException(path + ": truncated: file is " + fileSize
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, len, 0);
        long headerLength = len.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(path + ": header length " + Long.toUnsignedString(headerLength)
                    + " is out of range (expected 2.." + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
        }
        if (headerLength > fileSize - 8) {
            throw new CheckpointException(path + ": truncated: header length " + headerLength
                    + " exceeds the " + (fileSize - 8) + " bytes after the length field (file size " + fileSize + ")");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        readFully(channel, header, 8);
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        JsonNode root;
        try {
            root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field '")) {
                String name = msg.substring("Duplicate field '".length(), msg.indexOf('\'', 17));
                throw new CheckpointException(path + ": tensor '" + name + "' appears twice in the header");
            }
            throw new CheckpointException(path + ": header is not valid JSON ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(path + ": header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), readTensor(path, e.getKey(), e.getValue(), dataSize, fileSize));
            }
        }
        checkOverlaps(path, tensors);
        return new SafeTensors(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new CheckpointException(path + ": " + METADATA_KEY + " must be an object of strings, got " + node);
        }
        node.fields().forEachRemaining(m -> {
            if (!m.getValue().isTextual()) {
                throw new CheckpointException(path + ": " + METADATA_KEY + "." + m.getKey()
                        + " must be a string, got " + m.getValue());
            }
            out.put(m.getKey(), m.getValue().asText());
        });
    }

    private static TensorInfo readTensor(Path path, String name, JsonNode node, long dataSize, long fileSize) {
        String where = path + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CheckpointException(where + ": entry must be an object, got " + node);
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CheckpointException(where + ": dtype missing or not a string");
        }
        DType dtype = DType.parse(dtypeNode.asText()).orElseThrow(() -> new CheckpointException(where
                + ": unknown dtype '" + dtypeNode.asText() + "', expected one of " + Arrays.toString(DType.values())));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(where + ": shape missing or not a list");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new CheckpointException(where + ": shape " + shapeNode + " must hold integers >= 0");
            }
            shape[i] = d.asLong();
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber() || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException(where + ": data_offsets must be [begin, end], got " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end
                    + "] must satisfy 0 <= begin <= end");
        }
        if (end > dataSize) {
            throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end
                    + "] end past the data section of " + dataSize + " bytes: file truncated or header corrupt"
                    + " (file size " + fileSize + ", needs at least " + (fileSize - dataSize + end) + ")");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " overflows");
        }
        if (expected != end - begin) {
            throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " x " + dtype + " ("
                    + dtype.byteSize() + " bytes) needs " + expected + " bytes, but data_offsets [" + begin + ", "
                    + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.removeIf(t -> t.byteLength() == 0);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new CheckpointException(path + ": tensor '" + b.name() + "' bytes [" + b.begin() + ", "
                        + b.end() + ") overlap tensor '" + a.name() + "' bytes [" + a.begin() + ", " + a.end() + ")");
            }
        }
    }

    /** Tensors in header order, by their on-disk name. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The optional {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path path() {
        return path;
    }

    /** The header entry of {@code name}. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(path + ": no tensor '" + name + "'");
        }
        return info;
    }

    /**
     * Maps exactly the bytes of one tensor: read-only, little-endian, position 0, limit = byte length. Valid until
     * garbage-collected, also after {@link #close()}.
     */
    public ByteBuffer map(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor '" + name + "' is " + info.byteLength()
                    + " bytes, more than the 2 GiB (" + Integer.MAX_VALUE + " bytes) one Java 17 mapping can hold");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot map tensor '" + name + "' (" + e.getMessage() + ")", e);
        }
    }

    /** Absolute file offset of the data section (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
        buf.flip();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }
}
