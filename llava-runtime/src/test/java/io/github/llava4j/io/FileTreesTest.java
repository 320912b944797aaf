package io.github.llava4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void should_delete_a_folder_with_nested_files_and_folders() throws Exception {
        Path tree = dir.resolve("model");
        Files.createDirectories(tree.resolve("checkpoints/step-100"));
        Files.writeString(tree.resolve("config.json"), "{}");
        Files.writeString(tree.resolve("checkpoints/step-100/state.json"), "{}");
        Path sibling = Files.writeString(dir.resolve("keep.txt"), "kept");

        FileTrees.deleteRecursively(tree);

        assertThat(tree).doesNotExist();
        assertThat(sibling).hasContent("kept");
    }

    @Test
    void should_do_nothing_for_a_missing_or_null_folder() {
        assertThatCode(() -> FileTrees.deleteRecursively(dir.resolve("absent"))).doesNotThrowAnyException();
        assertThatCode(() -> FileTrees.deleteRecursively(null)).doesNotThrowAnyException();
        assertThat(dir).exists();
    }
}
