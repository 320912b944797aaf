package io.github.llava4j.cli;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.LoadOptions;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.io.DType;
import io.github.llava4j.io.FileTrees;
import io.github.llava4j.io.ModelPresets;
import io.github.llava4j.io.TensorNames;
import io.github.llava4j.text.Conversation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llava demo}: runs the whole pipeline with no download. Until the trained miniature model ships, it writes
 * a tiny RANDOM checkpoint to a temporary folder and asks it about a bundled photograph, so the answer is noise;
 * what it shows is every stage working: decode + preprocess, CLIP tower, projector, decoder with KV cache, streaming.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the pipeline end to end (no download).")
final class DemoCommand implements Callable<Integer> {
    private static final String BUNDLED_IMAGE = "/io/github/llava4j/demo/rocket.jpg";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompt", defaultValue = "What is in this picture?", paramLabel = "TEXT")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "24", paramLabel = "N")
    int maxNewTokens;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("llava4j-demo-");
        try {
            RandomCheckpoints.write(ModelPresets.tiny(), dir, DType.F32, 1, 42, TensorNames.Scheme.OLD);
            out.println("llava4j demo: a tiny RANDOM LLaVA checkpoint (the trained miniature model is not shipped"
                    + " yet), so the answer below is noise; every stage of the pipeline runs for real.");
            out.println("image: rocket.jpg (bundled, public domain)   checkpoint: " + dir);
            out.println("USER: <image>\n" + prompt);
            out.print("ASSISTANT:");
            out.flush();
            try (LlavaEngine engine = Llava.load(dir, LoadOptions.builder().build())) {
                LlavaResult result = engine.generate(
                        LlavaRequest.builder()
                                .conversation(Conversation.builder().user(prompt, 1).build())
                                .image(bundledImage())
                                .generation(GenerationConfig.builder()
                                        .maxNewTokens(maxNewTokens)
                                        .temperature(0.8)
                                        .seed(7L)
                                        .build())
                                .build(),
                        (delta, token) -> {
                            out.print(delta);
                            out.flush();
                        });
                var usage = result.generation().usage();
                out.printf(Locale.ROOT, "%n[%d prompt positions (%d from the image), %d tokens generated, %s,"
                                + " image encode %d ms, first token after %d ms]%n",
                        usage.promptTokens(), engine.config().imageSeqLength(), usage.completionTokens(),
                        result.generation().finishReason().name().toLowerCase(Locale.ROOT),
                        result.imageEncodeMs(), result.imageEncodeMs() + result.generation().timings().ttftMs());
            }
        } finally {
            FileTrees.deleteRecursively(dir);
        }
        out.flush();
        return 0;
    }

    static byte[] bundledImage() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED_IMAGE)) {
            if (in == null) {
                throw new IllegalStateException("bundled demo image " + BUNDLED_IMAGE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
