package io.github.llava4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Streams a safetensors file to disk without holding it in memory: every tensor (name, dtype, shape) is declared up
 * front, then the bytes of each are written in declaration order, in one or several {@link #write} calls.
 *
 * <p>The header lists the tensors in declaration order (with {@code __metadata__} first) and is padded with spaces to
 * a multiple of 8 bytes, as the reference implementation does, so the data section is 8-byte aligned. Everything
 * goes to a temporary file in the target's folder which {@link #finish()} moves into place atomically, so a torn
 * file is never visible under the target name. {@link #close()} finishes a complete file and discards an
 * incomplete one (e.g. after an exception).
 */
public final class SafeTensorsWriter implements AutoCloseable {
    /** A tensor to declare. */
    public record Spec(String name, DType dtype, long[] shape) {
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long byteLength() {
            return Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
        }
    }

    /** A small in-memory tensor for {@link #write(Path, Map)}: row-major values, stored as {@code dtype}. */
    public record TensorData(DType dtype, long[] shape, float[] values) {
        public TensorData {
            shape = shape.clone();
            if (TensorInfo.elementCount(shape) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
                        + TensorInfo.elementCount(shape) + " values, got " + values.length);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final List<Spec> specs;
    private int current;
    private long writtenInCurrent;
    private boolean done;

    private SafeTensorsWriter(Path target, Path temp, FileChannel channel, List<Spec> specs) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.specs = specs;
    }

    /** Declares every tensor and writes the header to a temporary file beside {@code target}. */
    public static SafeTensorsWriter create(Path target, List<Spec> specs, Map<String, String> metadata) {
        Set<String> names = new HashSet<>();
        for (Spec s : specs) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("tensor '" + s.name() + "' declared twice for " + target);
            }
            if (s.name().equals(SafeTensors.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + SafeTensors.METADATA_KEY + "' is not a tensor name");
            }
        }
        byte[] header = header(specs, metadata);
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // not Files.createTempFile: that makes an owner-only file, and the moved file keeps its permissions
            temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            while (head.hasRemaining()) {
                channel.write(head);
            }
            SafeTensorsWriter w = new SafeTensorsWriter(target, temp, channel, List.copyOf(specs));
            w.skipEmpty();
            return w;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new CheckpointException(target + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    static byte[] header(List<Spec> specs, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(SafeTensors.METADATA_KEY);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Spec s : specs) {
            ObjectNode t = root.putObject(s.name());
            t.put("dtype", s.dtype().safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : s.shape()) {
                shape.add(d);
            }
            long end = offset + s.byteLength();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /**
     * Appends bytes (from position to limit) of tensor {@code name}, which must be the tensor being written: the
     * next declared one, or the current one if its earlier chunks did not complete it.
     */
    public void write(String name, ByteBuffer bytes) {
        if (done) {
            throw new IllegalStateException(target + ": writer already finished");
        }
        if (current >= specs.size()) {
            throw new IllegalStateException(target + ": all declared tensors are written; got more for '" + name + "'");
        }
        Spec spec = specs.get(current);
        if (!spec.name().equals(name)) {
            throw new IllegalStateException(target + ": expected bytes of tensor '" + spec.name()
                    + "' (declaration order), got '" + name + "'");
        }
        long left = spec.byteLength() - writtenInCurrent;
        if (bytes.remaining() > left) {
            throw new IllegalArgumentException(target + ": tensor '" + name + "' needs " + spec.byteLength()
                    + " bytes, got " + (writtenInCurrent + bytes.remaining()));
        }
        try {
            while (bytes.hasRemaining()) {
                writtenInCurrent += channel.write(bytes);
            }
        } catch (IOException e) {
            throw new CheckpointException(target + ": cannot write tensor '" + name + "' (" + e.getMessage() + ")", e);
        }
        if (writtenInCurrent == spec.byteLength()) {
            current++;
            writtenInCurrent = 0;
            skipEmpty();
        }
    }

    /** Encodes {@code values} as the declared dtype of {@code name} and appends them (see {@link #write}). */
    public void write(String name, float[] values) {
        DType dtype = specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(target + ": tensor '" + name + "' was not declared"))
                .dtype();
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < values.length; off += chunk) {
            int n = Math.min(chunk, values.length - off);
            buf.clear();
            HalfFloats.encode(values, off, n, dtype, buf);
            buf.flip();
            write(name, buf);
        }
    }

    private void skipEmpty() {
        while (current < specs.size() && specs.get(current).byteLength() == 0) {
            current++;
        }
    }

    /** The declared tensors. */
    public List<Spec> specs() {
        return specs;
    }

    /** Whether every declared tensor is completely written. */
    public boolean isComplete() {
        return current == specs.size();
    }

    /** Flushes to disk and moves the file into place; fails if a declared tensor is not completely written. */
    public void finish() {
        if (done) {
            return;
        }
        if (!isComplete()) {
            Spec spec = specs.get(current);
            throw new IllegalStateException(target + ": tensor '" + spec.name() + "' has " + writtenInCurrent
                    + " of " + spec.byteLength() + " bytes written (" + (specs.size() - current)
                    + " tensors incomplete)");
        }
        done = true;
        try {
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new CheckpointException(target + ": cannot finish (" + e.getMessage() + ")", e);
        }
    }

    /** Finishes a complete file; discards the temporary file of an incomplete one. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        if (isComplete()) {
            finish();
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is discarded anyway
        }
        deleteQuietly(temp);
    }

    /** Writes small tensors (in the map's iteration order) in one go. */
    public static void write(Path target, Map<String, TensorData> tensors) {
        write(target, tensors, Map.of());
    }

    /** Writes small tensors (in the map's iteration order) with {@code __metadata__}. */
    public static void write(Path target, Map<String, TensorData> tensors, Map<String, String> metadata) {
        List<Spec> specs = new ArrayList<>();
        tensors.forEach((name, t) -> specs.add(new Spec(name, t.dtype(), t.shape())));
        try (SafeTensorsWriter w = create(target, specs, new LinkedHashMap<>(metadata))) {
            tensors.forEach((name, t) -> w.write(name, t.values()));
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a stray temp file in the folder is harmless
        }
    }
}
