package io.github.llava4j.cli;

import io.github.llava4j.ImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the files the user named, with errors that name them. */
final class Inputs {
    private Inputs() {}

    static List<byte[]> readImages(List<Path> paths) {
        List<byte[]> images = new ArrayList<>();
        for (Path path : paths) {
            images.add(readImage(path));
        }
        return images;
    }

    static byte[] readImage(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new ImageException(path + ": is a folder, expected an image file");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ImageException(path + ": image file not found");
        } catch (IOException e) {
            throw new ImageException(path + ": cannot read image file (" + e.getMessage() + ")");
        }
    }
}
