package io.github.llava4j.finetune.teacher;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the committed fixtures. */
public final class TeacherTestData {
    private TeacherTestData() {}

    public static Path resource(String name) {
        try {
            return Path.of(TeacherTestData.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " missing", e);
        }
    }
}
