package io.github.llava4j.cli;

import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.text.Conversation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llava generate}: one question, optionally about images; streams the answer or prints JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Answer one prompt (with images).")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions samplingOptions;

    @Option(names = "--image", paramLabel = "PATH", description = "image file (repeatable; in prompt order)")
    List<Path> images = new ArrayList<>();

    @Option(names = "--prompt", required = true, paramLabel = "TEXT")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "replaces the template's system prompt")
    String system;

    @Option(names = "--json", description = "print one JSON object at the end instead of streaming text")
    boolean json;

    @Option(names = "--logprobs", defaultValue = "0", paramLabel = "K",
            description = "with --json: log-probabilities of each token and its top K alternatives")
    int logprobs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (logprobs < 0) {
            throw new IllegalArgumentException("--logprobs must be >= 0, got " + logprobs);
        }
        List<byte[]> imageBytes = Inputs.readImages(images);
        Conversation conversation = Conversation.builder()
                .system(system)
                .user(prompt, imageBytes.size())
                .build();
        LlavaRequest request = LlavaRequest.builder()
                .conversation(conversation)
                .images(imageBytes)
                .template(modelOptions.template)
                .generation(samplingOptions.toConfig(logprobs))
                .build();
        try (LlavaEngine engine = modelOptions.load()) {
            LlavaResult result = engine.generate(request, (delta, token) -> {
                if (!json) {
                    out.print(delta);
                    out.flush();
                }
            });
            if (json) {
                out.println(JsonOutput.toJson(result));
            } else {
                out.println();
            }
        }
        out.flush();
        return 0;
    }
}
