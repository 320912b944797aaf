package io.github.llava4j.io;

import ai.djl.ndarray.types.DataType;
import io.github.llava4j.CheckpointException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How much memory a model needs once loaded, checked against what the machine has before anything is loaded, so
 * that a model that does not fit is refused with a clear message instead of killing the JVM.
 *
 * @param elements total number of weight elements
 * @param extraBytes memory needed besides the weights (KV cache, activations), in bytes
 */
public record MemoryEstimate(long elements, long extraBytes) {
    private static final double GIB = 1024.0 * 1024 * 1024;

    public MemoryEstimate {
        if (elements < 0 || extraBytes < 0) {
            throw new IllegalArgumentException("elements and extraBytes must be >= 0");
        }
    }

    /** An estimate for tensors of the given shapes plus {@code extraBytes}. */
    public static MemoryEstimate of(Collection<long[]> shapes, long extraBytes) {
        long n = 0;
        for (long[] shape : shapes) {
            n = Math.addExact(n, TensorInfo.elementCount(shape));
        }
        return new MemoryEstimate(n, extraBytes);
    }

    /** An estimate for every tensor of {@code source} plus {@code extraBytes}. */
    public static MemoryEstimate of(TensorSource source, long extraBytes) {
        return of(source.names().stream().map(source::shape).toList(), extraBytes);
    }

    /** Bytes needed with weights held as {@code dtype} (FLOAT32 or FLOAT16). */
    public long bytes(DataType dtype) {
        return Math.addExact(Math.multiplyExact(elements, (long) dtype.getNumOfBytes()), extraBytes);
    }

    /** Throws unless {@link #bytes} for {@code dtype} fits in the memory available now. */
    public void requireFits(DataType dtype) {
        requireFits(dtype, availableBytes());
    }

    /**
     * Throws a {@link CheckpointException} unless the model fits in {@code availableBytes}; the message gives both
     * sizes and, for FLOAT32, what FLOAT16 would need.
     */
    public void requireFits(DataType dtype, long availableBytes) {
        long need = bytes(dtype);
        if (need <= availableBytes) {
            return;
        }
        String msg = String.format(Locale.ROOT, "the model needs ~%.1f GiB as %s but only %.1f GiB is available",
                need / GIB, name(dtype), availableBytes / GIB);
        if (dtype == DataType.FLOAT32) {
            long f16 = bytes(DataType.FLOAT16);
            msg += f16 <= availableBytes
                    ? String.format(Locale.ROOT, "; use --dtype f16 (~%.1f GiB)", f16 / GIB)
                    : String.format(Locale.ROOT, "; even f16 needs ~%.1f GiB", f16 / GIB);
        }
        throw new CheckpointException(msg);
    }

    private static String name(DataType dtype) {
        return dtype == DataType.FLOAT16 ? "f16" : dtype == DataType.FLOAT32 ? "f32" : dtype.toString();
    }

    /**
     * Memory available to a new allocation: {@code MemAvailable} of /proc/meminfo where it exists, else the free
     * physical memory the JVM reports.
     */
    public static long availableBytes() {
        OptionalLong fromProc = memAvailable(Path.of("/proc/meminfo"));
        if (fromProc.isPresent()) {
            return fromProc.getAsLong();
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return Long.MAX_VALUE;
    }

    /** The {@code MemAvailable} line of a meminfo file, in bytes; empty when the file or the line is absent. */
    static OptionalLong memAvailable(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    long kb = Long.parseLong(parts[0]);
                    return OptionalLong.of(kb * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or unreadable: the caller falls back
        }
        return OptionalLong.empty();
    }
}
