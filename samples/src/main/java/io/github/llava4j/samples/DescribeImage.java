package io.github.llava4j.samples;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.text.Conversation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The runtime alone, no LangChain4j: load a llava-hf folder, ask one question about one image, stream the answer.
 *
 * <pre>samples/run DescribeImage --model ~/models/llava-1.5-7b-hf --image photo.jpg</pre>
 */
@Command(name = "DescribeImage", mixinStandardHelpOptions = true)
public final class DescribeImage implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf checkpoint folder")
    Path model;

    @Option(names = "--image", required = true)
    Path image;

    @Option(names = "--prompt", defaultValue = "Describe this image in detail.")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "200")
    int maxNewTokens;

    public static void main(String[] args) {
        System.exit(Samples.run(new DescribeImage(), args, new PrintWriter(System.out, true)));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LlavaEngine llava = Llava.load(model)) {
            LlavaRequest request = LlavaRequest.builder()
                    .conversation(Conversation.builder().user(prompt, 1).build())
                    .image(Files.readAllBytes(image))
                    .generation(GenerationConfig.builder().maxNewTokens(maxNewTokens).build())
                    .build();
            LlavaResult result = llava.generate(request, (delta, token) -> {
                out.print(delta);
                out.flush();
            });
            out.println();
            out.printf("[%d prompt positions, %d tokens, %s]%n", result.promptPositions(),
                    result.generation().usage().completionTokens(), result.generation().finishReason());
        }
        return 0;
    }
}
