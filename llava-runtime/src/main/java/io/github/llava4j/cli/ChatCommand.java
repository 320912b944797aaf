package io.github.llava4j.cli;

import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaException;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.LlavaResult;
import io.github.llava4j.text.Conversation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llava chat}: an interactive multi-turn conversation. {@code /image PATH} attaches an image to the next
 * question, {@code /reset} starts over, {@code /exit} (or end of input) quits. Earlier turns and their images stay
 * in context; the engine's prefix cache means each turn only prefills what is new.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Chat interactively; '/image PATH' attaches.")
final class ChatCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions samplingOptions;

    @Option(names = "--system", paramLabel = "TEXT", description = "replaces the template's system prompt")
    String system;

    private record Turn(String question, int images, String answer) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<Turn> turns = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        List<byte[]> pending = new ArrayList<>();
        try (LlavaEngine engine = modelOptions.load()) {
            err.println("llava chat: type a question; /image PATH attaches an image, /reset, /exit");
            while (true) {
                out.print("USER> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    break;
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.equals("/reset")) {
                    turns.clear();
                    images.clear();
                    pending.clear();
                    err.println("(conversation cleared)");
                    continue;
                }
                if (line.startsWith("/image")) {
                    try {
                        pending.add(Inputs.readImage(Path.of(line.substring("/image".length()).strip())));
                        err.println("(image attached to your next question)");
                    } catch (LlavaException e) {
                        err.println("llava: " + e.getMessage());
                    }
                    continue;
                }
                List<byte[]> requestImages = new ArrayList<>(images);
                requestImages.addAll(pending);
                Conversation.Builder conversation = Conversation.builder().system(system);
                for (Turn turn : turns) {
                    conversation.user(turn.question, turn.images).assistant(turn.answer);
                }
                conversation.user(line, pending.size());
                LlavaRequest request = LlavaRequest.builder()
                        .conversation(conversation.build())
                        .images(requestImages)
                        .template(modelOptions.template)
                        .generation(samplingOptions.toConfig(0))
                        .build();
                out.print("ASSISTANT> ");
                try {
                    LlavaResult result = engine.generate(request, (delta, token) -> {
                        out.print(delta);
                        out.flush();
                    });
                    out.println();
                    turns.add(new Turn(line, pending.size(), result.generation().text()));
                    images.addAll(pending);
                    pending.clear();
                } catch (LlavaException e) {
                    out.println();
                    err.println("llava: " + e.getMessage());
                }
            }
        }
        return 0;
    }
}
