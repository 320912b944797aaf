package io.github.llava4j.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The weights of a llava-hf checkpoint folder: a sharded {@code model.safetensors.index.json} with its shards, a
 * single {@code model.safetensors}, or exactly one other {@code *.safetensors} file. Tensors are addressed by
 * canonical names ({@link TensorNames}), whichever scheme the files use.
 *
 * <p>Loading is zero-copy when the on-disk dtype is the requested one: DJL's PyTorch engine wraps a direct
 * {@link ByteBuffer} ({@code torch::from_blob}) and keeps a reference to it in the NDArray, so the tensor reads the
 * file's mapped pages. Such tensors are backed by read-only memory: in-place operations on them must not be done
 * (the model only writes into activations). Otherwise the bytes are converted in Java (BF16 to F32/F16, F16 to F32,
 * F32 to F16) straight from the mapped pages into one direct buffer that DJL wraps in the same way.
 *
 * <p>{@link #close()} closes the files; mapped memory is released by the garbage collector on Java 17 once no
 * NDArray refers to it.
 */
public final class Checkpoint implements TensorSource, AutoCloseable {
    public static final String INDEX_JSON = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(SafeTensors file, TensorInfo info) {}

    private static final int CONVERT_CHUNK_ELEMENTS = 1 << 22;

    private static final long GC_EVERY_CONVERTED_BYTES = 512L << 20;

    private ByteBuffer scratch; // conversion target reused across tensors (see convertInto)
    private long convertedSinceGc;

    private final Path dir;
    private final List<SafeTensors> files;
    private final Map<String, Entry> entries;
    /**
     * Every mapped buffer handed to DJL, kept reachable while this checkpoint is: an array created from it (and any
     * view torch derives from that array, such as a reshape) reads the mapping directly, and the mapping disappears
     * when the buffer is garbage-collected. Whoever keeps loaded weights must keep the checkpoint too.
     */
    private final List<ByteBuffer> lent = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private Checkpoint(Path dir, List<SafeTensors> files, Map<String, Entry> entries) {
        this.dir = dir;
        this.files = files;
        this.entries = entries;
    }

    /** Opens the weights of a llava-hf folder, validating every file's header and the index. */
    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": checkpoint folder not found");
        }
        Path index = dir.resolve(INDEX_JSON);
        List<SafeTensors> files = new ArrayList<>();
        try {
            Map<String, Entry> entries = new LinkedHashMap<>();
            if (Files.exists(index)) {
                openSharded(dir, index, files, entries);
            } else {
                SafeTensors file = SafeTensors.open(singleFile(dir));
                files.add(file);
                addAll(file, entries);
            }
            return new Checkpoint(dir, List.copyOf(files), Collections.unmodifiableMap(entries));
        } catch (RuntimeException e) {
            files.forEach(SafeTensors::close);
            throw e;
        }
    }

    private static Path singleFile(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.exists(single)) {
            return single;
        }
        List<Path> found;
        try (Stream<Path> list = Files.list(dir)) {
            found = list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new CheckpointException(dir + ": no weights file (expected " + INDEX_JSON + ", " + SINGLE_FILE
                    + " or one *.safetensors file)");
        }
        throw new CheckpointException(dir + ": " + found.size() + " *.safetensors files but no " + INDEX_JSON
                + " saying how they belong together: " + found.stream().map(p -> p.getFileName().toString()).toList());
    }

    private static void openSharded(Path dir, Path index, List<SafeTensors> files, Map<String, Entry> entries) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointException(index + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new CheckpointException(index + ": weight_map missing or empty");
        }
        Map<String, Set<String>> namesByShard = new LinkedHashMap<>();
        weightMap.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(index + ": weight_map['" + e.getKey() + "'] must be a file name");
            }
            namesByShard.computeIfAbsent(e.getValue().asText(), k -> new TreeSet<>()).add(e.getKey());
        });
        Path root0 = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, Set<String>> shard : namesByShard.entrySet()) {
            Path file = root0.resolve(shard.getKey()).normalize();
            if (!file.startsWith(root0) || !file.getParent().equals(root0)) {
                throw new CheckpointException(index + ": shard '" + shard.getKey() + "' is not a file in " + dir);
            }
            if (!Files.exists(file)) {
                throw new CheckpointException(index + ": shard '" + shard.getKey() + "' is missing (listed for "
                        + shard.getValue().size() + " tensors, e.g. '" + shard.getValue().iterator().next() + "')");
            }
            SafeTensors st = SafeTensors.open(file);
            files.add(st);
            Set<String> inFile = new TreeSet<>(st.tensors().keySet());
            if (!inFile.equals(shard.getValue())) {
                Set<String> notInFile = new TreeSet<>(shard.getValue());
                notInFile.removeAll(inFile);
                Set<String> notInIndex = new TreeSet<>(inFile);
                notInIndex.removeAll(shard.getValue());
                throw new CheckpointException(index + ": shard '" + shard.getKey()
                        + "' does not hold the tensors the index lists for it; listed but absent: "
                        + first(notInFile) + ", present but not listed: " + first(notInIndex));
            }
            addAll(st, entries);
        }
    }

    private static String first(Set<String> names) {
        return names.size() <= 5 ? names.toString() : names.stream().limit(5).toList() + " and "
                + (names.size() - 5) + " more";
    }

    private static void addAll(SafeTensors file, Map<String, Entry> entries) {
        for (TensorInfo info : file.tensors().values()) {
            String canonical = TensorNames.canonical(info.name());
            Entry previous = entries.put(canonical, new Entry(file, info));
            if (previous != null) {
                throw new CheckpointException("tensor '" + canonical + "' is listed twice: as '"
                        + previous.info().name() + "' in " + previous.file().path() + " and as '" + info.name()
                        + "' in " + file.path());
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every canonical name, ignorable and unknown ones included (see {@link TensorNames}). */
    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    /** Canonical names that belong to no part of a LLaVA checkpoint and are not ignorable. */
    public Set<String> unknownNames() {
        Set<String> out = new TreeSet<>();
        for (String n : entries.keySet()) {
            if (!TensorNames.isKnown(n) && !TensorNames.isIgnorable(n)) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public long[] shape(String canonicalName) {
        return entry(canonicalName).info().shape();
    }

    /** The dtype on disk. */
    public DType dtypeOf(String canonicalName) {
        return entry(canonicalName).info().dtype();
    }

    /** The header entry of a tensor (its on-disk name, dtype, shape, offsets). */
    public TensorInfo info(String canonicalName) {
        return entry(canonicalName).info();
    }

    /** Total bytes of tensor data in all files. */
    public long bytesOnDisk() {
        long n = 0;
        for (Entry e : entries.values()) {
            n += e.info().byteLength();
        }
        return n;
    }

    @Override
    public NDArray load(String canonicalName, NDManager manager, DataType dtype) {
        Entry e = entry(canonicalName);
        TensorInfo info = e.info();
        DType target;
        try {
            target = DType.ofCompute(dtype);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException("tensor '" + canonicalName + "' in " + e.file().path()
                    + ": cannot load as " + dtype + ", only FLOAT32 or FLOAT16");
        }
        if (!info.dtype().isWeightType()) {
            throw new CheckpointException("tensor '" + canonicalName + "' in " + e.file().path() + " has dtype "
                    + info.dtype() + "; only F32, F16 and BF16 tensors can be loaded");
        }
        Shape shape = new Shape(info.shape());
        long count = info.elementCount();
        if (count == 0) {
            return manager.create(shape, dtype);
        }
        if (info.dtype() == target) {
            ByteBuffer mapped = e.file().map(info.name());
            lent.add(mapped);
            if (mapped instanceof java.nio.MappedByteBuffer pages) {
                // Fault the pages in now, at load time, rather than in the middle of the first request.
                pages.load();
            }
            return manager.create(mapped, shape, dtype);
        }
        long outBytes = count * target.byteSize();
        if (outBytes > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor '" + canonicalName + "' in " + e.file().path() + " would take "
                    + outBytes + " bytes as " + target + ", more than one 2 GiB buffer");
        }
        return convertInto(e.file(), info, target, (int) outBytes, manager, shape, dtype);
    }

    /**
     * Converts into one scratch direct buffer reused across tensors, then lets torch copy it into memory it owns:
     * direct buffers count against the JVM's MaxDirectMemorySize and are freed only by GC, so a direct buffer per
     * tensor would cap the model size (a BF16 7B model is 14 GB as f16).
     */
    private synchronized NDArray convertInto(
            SafeTensors file, TensorInfo info, DType target, int outBytes, NDManager manager, Shape shape,
            DataType dtype) {
        if (scratch == null || scratch.capacity() < outBytes) {
            scratch = ByteBuffer.allocateDirect(outBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer out = scratch.clear().limit(outBytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        convertFromFile(file, info, target, out);
        out.flip();
        try (NDArray wrapped = manager.create(out, shape, dtype)) {
            NDArray owned = wrapped.duplicate();
            owned.attach(manager);
            convertedSinceGc += outBytes;
            if (convertedSinceGc > GC_EVERY_CONVERTED_BYTES) {
                // The engine's intermediate direct buffers are freed only by a collection, which nothing else would
                // trigger during a load (little heap is used): without this, resident memory peaks at twice the
                // weights. Measured on the 1.1B model as f16: 8.0 GB resident after load without, 3.1 GB with.
                convertedSinceGc = 0;
                System.gc();
            }
            return owned;
        }
    }

    /**
     * Converts a tensor read with plain positional reads in chunks, not through a mapping: mapped source pages would
     * count in the process's resident memory until the mapping is garbage-collected, next to the converted copy.
     */
    private static void convertFromFile(SafeTensors file, TensorInfo info, DType target, ByteBuffer out) {
        int elementBytes = info.dtype().byteSize();
        long elements = info.elementCount();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CONVERT_CHUNK_ELEMENTS * elementBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file.path())) {
            long position = file.dataStart() + info.begin();
            for (long done = 0; done < elements; ) {
                int n = (int) Math.min(CONVERT_CHUNK_ELEMENTS, elements - done);
                chunk.clear().limit(n * elementBytes);
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, position + (long) chunk.position()) < 0) {
                        throw new CheckpointException(file.path() + ": truncated while reading tensor '"
                                + info.name() + "'");
                    }
                }
                chunk.flip();
                HalfFloats.convert(chunk, info.dtype(), out, target, n);
                position += (long) n * elementBytes;
                done += n;
            }
        } catch (java.io.IOException ex) {
            throw new CheckpointException(file.path() + ": cannot read tensor '" + info.name() + "' ("
                    + ex.getMessage() + ")", ex);
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    private Entry entry(String canonicalName) {
        Entry e = entries.get(canonicalName);
        if (e == null) {
            throw new CheckpointException("no tensor '" + canonicalName + "' in " + dir);
        }
        return e;
    }

    @Override
    public void close() {
        files.forEach(SafeTensors::close);
    }
}
