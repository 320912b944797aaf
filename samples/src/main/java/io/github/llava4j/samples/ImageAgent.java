package io.github.llava4j.samples;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * An agent over an image: AiServices with chat memory and a {@code @Tool}. The model sees the photo, may call the
 * colour-lookup tool (tool calls are decoded under the tool's JSON schema, so they always parse), gets its result and
 * answers; a follow-up question uses the memory.
 *
 * <pre>samples/run ImageAgent --model DIR --image photo.jpg --question "What colour is the sky, in hex?"</pre>
 */
@Command(name = "ImageAgent", mixinStandardHelpOptions = true)
public final class ImageAgent implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf checkpoint folder")
    Path model;

    @Option(names = "--image", required = true)
    Path image;

    @Option(names = "--question", defaultValue = "What is the main colour in this picture? Give its hex code.")
    String question;

    @Option(names = "--follow-up", defaultValue = "And what would you name this picture?")
    String followUp;

    @Option(names = "--max-new-tokens", defaultValue = "128")
    int maxNewTokens;

    @Option(names = "--tool-choice", defaultValue = "auto", description = "auto (the model decides) or required")
    String toolChoice;

    /** What the agent can ask: the hex code of a colour name. */
    public static final class ColourTools {
        private static final Map<String, String> HEX = Map.of(
                "red", "#FF0000", "green", "#008000", "blue", "#0000FF", "white", "#FFFFFF", "black", "#000000",
                "yellow", "#FFFF00", "orange", "#FFA500", "grey", "#808080", "brown", "#A52A2A");
        final List<String> calls = new ArrayList<>();

        @Tool("Looks up the hex code of a colour name such as red, blue or grey")
        public String hexCode(@P("a colour name") String colour) {
            calls.add(colour);
            return HEX.getOrDefault(colour.toLowerCase(Locale.ROOT).strip(), "unknown colour: " + colour);
        }
    }

    interface Assistant {
        String ask(@UserMessage String question, @UserMessage ImageContent image);

        String ask(@UserMessage String question);
    }

    public static void main(String[] args) {
        System.exit(Samples.run(new ImageAgent(), args, new PrintWriter(System.out, true)));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ColourTools tools = new ColourTools();
        ToolChoice choice = switch (toolChoice) {
            case "auto" -> ToolChoice.AUTO;
            case "required" -> ToolChoice.REQUIRED;
            default -> throw new IllegalArgumentException("--tool-choice must be auto or required");
        };
        try (LlavaChatModel llava = LlavaChatModel.builder()
                .modelPath(model)
                .maxOutputTokens(maxNewTokens)
                .defaultRequestParameters(ChatRequestParameters.builder().toolChoice(choice).build())
                .build()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(llava)
                    .tools(tools)
                    .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                    .build();
            ImageContent photo = ImageContent.from(
                    Base64.getEncoder().encodeToString(Files.readAllBytes(image)), StreamingChat.mimeType(image));
            out.println("USER: " + question + " [image: " + image.getFileName() + "]");
            out.println("ASSISTANT: " + assistant.ask(question, photo));
            out.println("USER: " + followUp);
            out.println("ASSISTANT: " + assistant.ask(followUp));
            out.println("[tool calls: " + tools.calls + "]");
        }
        return 0;
    }
}
