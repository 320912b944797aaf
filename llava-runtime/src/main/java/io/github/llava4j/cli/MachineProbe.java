package io.github.llava4j.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures what this machine can do, in the same process and with the same engine as the model, so that the
 * model's figures can be stated as a fraction of a roofline: memory copy bandwidth (decode is bound by reading
 * every weight once per token) and fp32 GEMM throughput (prefill and the vision tower are GEMM-bound).
 */
final class MachineProbe {
    private MachineProbe() {}

    /**
     * Copy bandwidth in GB/s: bytes copied per second (each byte is read once and written once; STREAM would count
     * twice this), best of a few runs into an already-touched target. A decode step streams every weight once,
     * read-only, so this is the rate it can hope for.
     */
    static double copyBandwidthGBs(Device device, long bytes) {
        long floats = bytes / 4;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray source = manager.ones(new Shape(floats), DataType.FLOAT32);
            NDArray target = manager.zeros(new Shape(floats), DataType.FLOAT32); // touched: no page faults timed
            NDIndex all = new NDIndex(":");
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                target.set(all, source);
                target.getFloat(floats - 1); // forces completion on asynchronous devices
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            return (double) floats * 4 / best / 1e9;
        }
    }

    /** fp32 GEMM throughput in GFLOP/s for an [m, k] x [k, n] product, best of a few runs. */
    static double gemmGflops(Device device, int m, int k, int n) {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray a = manager.randomNormal(new Shape(m, k));
            NDArray b = manager.randomNormal(new Shape(n, k)); // [out, in] like a weight, used as a·bᵀ
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                long start = System.nanoTime();
                NDArray c = a.matMul(b.transpose());
                c.getFloat(0, 0);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
                c.close();
            }
            return 2.0 * m * k * n / best / 1e9;
        }
    }

    /** Peak resident set size of this process so far (VmHWM), in bytes; -1 where /proc is unavailable. */
    static long peakRssBytes() {
        return procStatusKb("VmHWM:") * 1024;
    }

    /** Current resident set size (VmRSS), in bytes; -1 where /proc is unavailable. */
    static long rssBytes() {
        return procStatusKb("VmRSS:") * 1024;
    }

    private static long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
