package io.github.llava4j.miniature.demo;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.langchain4j.LlavaStreamingChatModel;
import io.github.llava4j.miniature.teacher.WorldTeacher;
import io.github.llava4j.miniature.world.Colour;
import io.github.llava4j.miniature.world.EvalQuestion;
import io.github.llava4j.miniature.world.QuestionGenerator;
import io.github.llava4j.miniature.world.QuestionType;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneGenerator;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.SceneRenderer;
import io.github.llava4j.miniature.world.WorldConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The README's main job: a LangChain4j agent (AiServices with chat memory, streaming and a {@code @Tool}) over the
 * shipped miniature LLaVA, looking at freshly generated shape-world images. It asks about each image, streams the
 * answers, follows up from memory, and has the model call a colour-lookup tool, printing a transcript.
 */
public final class MiniatureDemo {
    /** Scenes the demo shows: far from the training (1..) and evaluation (1 000 000..) ranges. */
    public static final long FIRST_SCENE = 9_000_001;

    /** Colour names the tool accepts; the tool-call grammar restricts the model to them. */
    public enum ColourName { RED, GREEN, BLUE, YELLOW, PURPLE, ORANGE, WHITE, BLACK }

    /** The agent's tool: what a shape-world colour is as an RGB hex code. */
    public static final class ColourTools {
        final List<String> calls = new ArrayList<>();

        @Tool("Looks up the RGB hex code of a colour of the shape world")
        public String hexCode(@P("the colour name") ColourName colour) {
            calls.add(colour.name().toLowerCase(Locale.ROOT));
            Colour c = WorldConfig.defaults().colour(colour.name().toLowerCase(Locale.ROOT));
            return String.format(Locale.ROOT, "#%02X%02X%02X", c.red(), c.green(), c.blue());
        }
    }

    interface Assistant {
        TokenStream chat(@UserMessage String question, @UserMessage ImageContent image);

        TokenStream chat(@UserMessage String question);
    }

    /** What the demo did: the transcript and the tool calls, for tests. */
    public record Transcript(String text, List<String> toolCalls, int answers) {}

    private final Path model;
    private final int images;
    private final long seed;

    public MiniatureDemo(Path model, int images, long seed) {
        this.model = model;
        this.images = images;
        this.seed = seed;
    }

    public Transcript run(PrintWriter out) {
        WorldConfig world = WorldConfig.defaults();
        SceneGenerator scenes = new SceneGenerator(world, seed);
        QuestionGenerator questions = new QuestionGenerator(world, seed);
        SceneRenderer renderer = new SceneRenderer();
        ColourTools tools = new ColourTools();
        StringBuilder transcript = new StringBuilder();
        int answers = 0;
        try (LlavaEngine engine = Llava.load(model);
                LlavaStreamingChatModel chat = LlavaStreamingChatModel.builder().engine(engine).maxOutputTokens(64)
                        .build();
                LlavaStreamingChatModel caller = LlavaStreamingChatModel.builder().engine(engine).maxOutputTokens(64)
                        .defaultRequestParameters(ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED)
                                .build())
                        .build()) {
            for (int i = 0; i < images; i++) {
                Scene scene = scenes.scene(FIRST_SCENE + i);
                ImageContent image = ImageContent.from(
                        Base64.getEncoder().encodeToString(renderer.png(scene)), "image/png");
                // one memory per image: the same conversation continues across the plain and the tool-using agent
                ChatMemory memory = MessageWindowChatMemory.withMaxMessages(12);
                Assistant assistant = AiServices.builder(Assistant.class).streamingChatModel(chat)
                        .chatMemory(memory).build();
                Assistant withTool = AiServices.builder(Assistant.class).streamingChatModel(caller)
                        .chatMemory(memory).tools(tools).build();
                say(out, transcript, "\n[image " + (i + 1) + ": " + describe(scene) + "]\n");
                List<String> asked = questionsFor(questions, scene);
                answers += exchange(out, transcript, asked.get(0), assistant.chat(asked.get(0), image));
                for (String q : asked.subList(1, asked.size())) {
                    answers += exchange(out, transcript, q, assistant.chat(q));
                }
                SceneObject first = scene.objects().get(0);
                String toolQuestion = "What is the hex code of the colour of the " + first.shape().label() + "?";
                int before = tools.calls.size();
                answers += exchange(out, transcript, toolQuestion, withTool.chat(toolQuestion));
                for (String call : tools.calls.subList(before, tools.calls.size())) {
                    say(out, transcript, "  [tool call: hexCode(" + call + ")]\n");
                }
            }
        }
        return new Transcript(transcript.toString(), List.copyOf(tools.calls), answers);
    }

    /**
     * What the demo asks about {@code scene}, in an order the model was trained on: a description as the first turn
     * (its training descriptions are single turns after the image), then how many shapes and one more question of
     * the world's kinds with LLaVA-1.5's short-answer prompt, as in its training conversations. Asked first, a
     * question answered in a sentence made the shipped model's later answers in the same memory ramble.
     */
    private static List<String> questionsFor(QuestionGenerator generator, Scene scene) {
        List<String> asked = new ArrayList<>();
        asked.add("Describe the image in detail.");
        asked.add(WorldTeacher.shortAnswer("How many shapes are there?"));
        for (EvalQuestion q : generator.all(scene)) {
            if (q.type() == QuestionType.COLOUR || q.type() == QuestionType.POSITION) {
                asked.add(WorldTeacher.shortAnswer(q.question()));
                break;
            }
        }
        return asked;
    }

    private static String describe(Scene scene) {
        return String.join(", ", scene.objects().stream().map(o -> o.size().label() + " " + o.category() + " "
                + o.position().phrase()).toList());
    }

    private static int exchange(PrintWriter out, StringBuilder transcript, String question, TokenStream stream) {
        say(out, transcript, "USER: " + question + "\nASSISTANT: ");
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.onPartialResponse(delta -> say(out, transcript, delta))
                .onCompleteResponse(response -> done.complete(null))
                .onError(done::completeExceptionally)
                .start();
        done.join();
        say(out, transcript, "\n");
        return 1;
    }

    private static void say(PrintWriter out, StringBuilder transcript, String text) {
        synchronized (transcript) {
            transcript.append(text);
            out.print(text);
            out.flush();
        }
    }
}
