package io.github.llava4j;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the JVM free the direct buffers of closed arrays and reuse their memory, as happens at any moment of a long
 * training run: for tests that an array torch still needs (autograd keeps operands for the backward pass) does not
 * live in a buffer Java may free.
 */
public final class FreedBuffers {
    private FreedBuffers() {}

    /**
     * A few collections (the cleaner thread then frees the collected direct buffers), each followed by thousands of
     * new 4- and 8-byte direct buffers filled with 0x7f bytes (3.4e38 as a float, 1.4e306 as a double), which take
     * over the freed memory. Returns them: keep them reachable until the check is done.
     */
    public static List<ByteBuffer> reuse() {
        List<ByteBuffer> filler = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return filler;
            }
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (i % 2));
                while (b.hasRemaining()) {
                    b.put((byte) 0x7f);
                }
                filler.add(b);
            }
        }
        return filler;
    }
}
