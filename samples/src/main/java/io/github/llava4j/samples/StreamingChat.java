package io.github.llava4j.samples;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.llava4j.langchain4j.LlavaStreamingChatModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * LangChain4j streaming with chat memory: the first question carries the image, follow-ups refer to it. Each answer
 * streams as it is generated; earlier turns (and the image) stay in the memory, and the engine reuses their state.
 *
 * <pre>samples/run StreamingChat --model DIR --image photo.jpg --question "What is this?" --question "What colour?"</pre>
 */
@Command(name = "StreamingChat", mixinStandardHelpOptions = true)
public final class StreamingChat implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf checkpoint folder")
    Path model;

    @Option(names = "--image", required = true)
    Path image;

    @Option(names = "--question", required = true, description = "repeatable; asked in order")
    List<String> questions = new ArrayList<>();

    @Option(names = "--max-new-tokens", defaultValue = "128")
    int maxNewTokens;

    public static void main(String[] args) {
        System.exit(Samples.run(new StreamingChat(), args, new PrintWriter(System.out, true)));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(image));
        try (LlavaStreamingChatModel chat = LlavaStreamingChatModel.builder()
                .modelPath(model)
                .maxOutputTokens(maxNewTokens)
                .build()) {
            for (int i = 0; i < questions.size(); i++) {
                UserMessage question = i == 0
                        ? UserMessage.from(ImageContent.from(base64, mimeType(image)), TextContent.from(questions.get(i)))
                        : UserMessage.from(questions.get(i));
                memory.add(question);
                out.println("USER: " + questions.get(i));
                out.print("ASSISTANT: ");
                out.flush();
                AiMessage answer = ask(chat, memory.messages(), out).aiMessage();
                memory.add(answer);
                out.println();
            }
        }
        return 0;
    }

    private static ChatResponse ask(LlavaStreamingChatModel chat, List<ChatMessage> messages, PrintWriter out)
            throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        chat.chat(ChatRequest.builder().messages(messages).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                out.print(partial);
                out.flush();
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get();
    }

    static String mimeType(Path image) {
        String name = image.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".png") ? "image/png" : name.endsWith(".gif") ? "image/gif" : "image/jpeg";
    }
}
