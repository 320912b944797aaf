package io.github.llava4j.langchain4j.rag;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Turns a folder of images into text {@link Document}s, one per image, whose text is a description written by a
 * vision {@link ChatModel} (for example {@code LlavaChatModel}), so that images can be ingested into any
 * {@code EmbeddingStore} and retrieved by a text question. Each document's metadata names its image:
 * {@value #IMAGE_PATH} (absolute path, to attach the image to the final question), {@link Document#FILE_NAME},
 * {@link Document#ABSOLUTE_DIRECTORY_PATH} and {@value #MIME_TYPE}.
 *
 * <p>Images are described one at a time, in file-name order. A file the model cannot use (unreadable or corrupt
 * image) fails the whole load with its name, unless {@link Builder#skipUnreadable(boolean)} is set; then it is
 * skipped and listed in {@link Result#skipped()}.
 */
public final class ImageDocumentLoader {
    public static final String IMAGE_PATH = "image_path";
    public static final String MIME_TYPE = "mime_type";
    public static final String DEFAULT_PROMPT = "Describe this image in detail.";

    private static final Map<String, String> MIME_TYPES = Map.of(
            "png", "image/png",
            "jpg", "image/jpeg",
            "jpeg", "image/jpeg",
            "gif", "image/gif",
            "bmp", "image/bmp",
            "webp", "image/webp");

    private final ChatModel describer;
    private final String prompt;
    private final boolean recursive;
    private final boolean skipUnreadable;

    /** What a load produced: the documents, and the images that were skipped with the reason. */
    public record Result(List<Document> documents, Map<Path, String> skipped) {
        public Result {
            documents = List.copyOf(documents);
            skipped = Map.copyOf(skipped);
        }
    }

    private ImageDocumentLoader(Builder builder) {
        this.describer = Objects.requireNonNull(builder.describer, "describer");
        this.prompt = builder.prompt;
        this.recursive = builder.recursive;
        this.skipUnreadable = builder.skipUnreadable;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Describes every image under {@code folder} (files with a png/jpg/jpeg/gif/bmp/webp extension). */
    public List<Document> load(Path folder) {
        return loadWithReport(folder).documents();
    }

    /** As {@link #load}, also reporting the images skipped when {@code skipUnreadable} is set. */
    public Result loadWithReport(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": not a folder of images");
        }
        List<Document> documents = new ArrayList<>();
        Map<Path, String> skipped = new java.util.LinkedHashMap<>();
        for (Path image : images(folder)) {
            try {
                documents.add(describe(image));
            } catch (RuntimeException e) {
                if (!skipUnreadable) {
                    throw new IllegalArgumentException(image + ": cannot describe this image (" + e.getMessage()
                            + ")", e);
                }
                skipped.put(image, String.valueOf(e.getMessage()));
            }
        }
        return new Result(documents, skipped);
    }

    /** One image's description as a document. */
    public Document describe(Path image) {
        String mime = mimeType(image);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new UncheckedIOException(image + ": cannot read (" + e.getMessage() + ")", e);
        }
        UserMessage message = UserMessage.from(
                ImageContent.from(Base64.getEncoder().encodeToString(bytes), mime), TextContent.from(prompt));
        ChatResponse response = describer.chat(ChatRequest.builder().messages(message).build());
        Metadata metadata = new Metadata()
                .put(IMAGE_PATH, image.toAbsolutePath().toString())
                .put(Document.FILE_NAME, image.getFileName().toString())
                .put(Document.ABSOLUTE_DIRECTORY_PATH, image.toAbsolutePath().getParent().toString())
                .put(MIME_TYPE, mime);
        String text = response.aiMessage().text();
        return Document.from(text == null || text.isBlank() ? image.getFileName().toString() : text, metadata);
    }

    private List<Path> images(Path folder) {
        try (Stream<Path> files = recursive ? Files.walk(folder) : Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> MIME_TYPES.containsKey(extension(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot list images (" + e.getMessage() + ")", e);
        }
    }

    private static String mimeType(Path image) {
        String mime = MIME_TYPES.get(extension(image));
        if (mime == null) {
            throw new IllegalArgumentException(image + ": not an image file (expected one of " + MIME_TYPES.keySet()
                    + ")");
        }
        return mime;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static final class Builder {
        private ChatModel describer;
        private String prompt = DEFAULT_PROMPT;
        private boolean recursive;
        private boolean skipUnreadable;

        /** The vision model that writes the descriptions. */
        public Builder describer(ChatModel describer) {
            this.describer = describer;
            return this;
        }

        /** The instruction sent with each image (default: {@value ImageDocumentLoader#DEFAULT_PROMPT}). */
        public Builder prompt(String prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        public Builder recursive(boolean recursive) {
            this.recursive = recursive;
            return this;
        }

        public Builder skipUnreadable(boolean skipUnreadable) {
            this.skipUnreadable = skipUnreadable;
            return this;
        }

        public ImageDocumentLoader build() {
            return new ImageDocumentLoader(this);
        }
    }
}
