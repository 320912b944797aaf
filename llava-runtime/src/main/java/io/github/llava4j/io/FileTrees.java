package io.github.llava4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree helpers shared by the modules (temporary model folders, pruned checkpoints). */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes {@code dir} and everything below it, children before parents; does nothing when it does not exist.
     *
     * @throws UncheckedIOException naming the folder when a file cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete (" + e.getMessage() + ")", e);
        }
    }
}
