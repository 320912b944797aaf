package io.github.llava4j.samples;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.github.llava4j.langchain4j.LlavaChatModel;
import io.github.llava4j.langchain4j.rag.ImageDocumentLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Retrieval over a folder of images: LLaVA describes each image, the descriptions are embedded (all-MiniLM-L6-v2,
 * local) into an in-memory store, a text question retrieves the best-matching image, and LLaVA answers the question
 * with that image attached.
 *
 * <pre>samples/run ImageRag --model DIR --images ~/photos --question "Which photo shows a rocket?"</pre>
 */
@Command(name = "ImageRag", mixinStandardHelpOptions = true)
public final class ImageRag implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf checkpoint folder")
    Path model;

    @Option(names = "--images", required = true, description = "folder of images to index")
    Path images;

    @Option(names = "--question", required = true)
    String question;

    @Option(names = "--max-new-tokens", defaultValue = "128")
    int maxNewTokens;

    public static void main(String[] args) {
        System.exit(Samples.run(new ImageRag(), args, new PrintWriter(System.out, true)));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LlavaChatModel llava = LlavaChatModel.builder().modelPath(model).maxOutputTokens(maxNewTokens).build()) {
            // 1. Ingest: one described document per image.
            List<Document> documents = ImageDocumentLoader.builder().describer(llava).build().load(images);
            EmbeddingModel embedder = new AllMiniLmL6V2EmbeddingModel();
            InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
            for (Document document : documents) {
                TextSegment segment = document.toTextSegment();
                store.add(embedder.embed(segment).content(), segment);
                out.printf("indexed %s: %s%n", document.metadata().getString(Document.FILE_NAME), oneLine(document));
            }
            // 2. Retrieve the image whose description is closest to the question.
            Embedding query = embedder.embed(question).content();
            List<EmbeddingMatch<TextSegment>> matches = store.search(
                            EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(1).build())
                    .matches();
            if (matches.isEmpty()) {
                out.println("no images found in " + images);
                return 1;
            }
            EmbeddingMatch<TextSegment> best = matches.get(0);
            Path image = Path.of(best.embedded().metadata().getString(ImageDocumentLoader.IMAGE_PATH));
            out.printf(Locale.ROOT, "best image: %s (score %.3f)%n", image.getFileName(), best.score());
            // 3. Answer with the image attached.
            UserMessage message = UserMessage.from(
                    ImageContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(image)),
                            best.embedded().metadata().getString(ImageDocumentLoader.MIME_TYPE)),
                    TextContent.from(question));
            out.println("answer: " + llava.chat(message).aiMessage().text());
        }
        return 0;
    }

    private static String oneLine(Document document) {
        String text = document.text().replaceAll("\\s+", " ").strip();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
