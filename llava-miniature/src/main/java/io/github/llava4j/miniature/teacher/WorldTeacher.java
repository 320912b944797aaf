package io.github.llava4j.miniature.teacher;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.github.llava4j.finetune.teacher.ObjectBox;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.teacher.SymbolicContext;
import io.github.llava4j.finetune.teacher.TeacherPrompts;
import io.github.llava4j.miniature.world.Background;
import io.github.llava4j.miniature.world.Colour;
import io.github.llava4j.miniature.world.EvalQuestion;
import io.github.llava4j.miniature.world.PixelBox;
import io.github.llava4j.miniature.world.QuestionGenerator;
import io.github.llava4j.miniature.world.QuestionType;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.SceneObject;
import io.github.llava4j.miniature.world.Shape;
import io.github.llava4j.miniature.world.Size;
import io.github.llava4j.miniature.world.Texture;
import io.github.llava4j.miniature.world.WorldConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline teacher of the miniature recipe: a deterministic {@link ChatModel} that plays GPT-4's part in the paper's
 * data generation for the shape world. It reads only what a text-only LLM would read, the rendered captions and boxes
 * of the last user message (see {@link SymbolicContext}), tells the response type from the system message, and writes
 * a reply in the format {@link TeacherPrompts} asks for:
 *
 * <ul>
 *   <li>conversation: several questions about colours, shapes, counts, positions and relations, the kinds taken in
 *       turn (a scene offers far more count questions than any other kind: drawn from the pool as it comes, half of
 *       the questions were counts and one in fourteen a position), half of them in LLaVA-1.5's short-answer form
 *       ("... Answer with a single word or phrase." answered by the bare word), half answered with a sentence;
 *   <li>detailed description: every object with its size, colour, shape and place in the image;
 *   <li>complex reasoning: one question whose answer needs two objects' places (a spatial relation) or the whole
 *       inventory (a count), answered with the reasoning spelled out.
 * </ul>
 *
 * <p>Replies are a pure function of the context, so a run is reproducible. A real LLM can stand in for it unchanged.
 */
public final class WorldTeacher implements ChatModel {
    /** LLaVA-1.5's prompt for short answers (its VQA data and evaluations use it). */
    public static final String SHORT_ANSWER = "Answer with a single word or phrase.";

    private static final Pattern COLOUR_Q = Pattern.compile(
            "(?:What colour is the|What is the colour of the|Which colour does the) (.+?)(?: have)?\\?");
    private static final Pattern SHAPE_Q = Pattern.compile(
            "(?:What shape is the|What is the shape of the|Which shape is) (.+?)(?: object)?\\?");
    private static final Pattern WHERE_Q = Pattern.compile(
            "(?:Where is the|In which part of the image is the) (.+?)(?: in the image)?\\?");
    private static final Pattern COUNT_Q = Pattern.compile("How many (.+?) (?:are there|are in the image)\\?");
    private static final Pattern RELATION_Q = Pattern.compile("Is the (.+?) (left of|right of|above|below) the (.+)\\?");

    private final WorldConfig world;
    private final int questionsPerConversation;

    /** @param world the world the annotations come from (image size, colours, shapes) */
    public WorldTeacher(WorldConfig world, int questionsPerConversation) {
        this.world = world;
        this.questionsPerConversation = questionsPerConversation;
    }

    /**
     * {@code question} as a short-answer prompt, the form the teacher writes into training conversations: the
     * evaluation, the demo and the probes ask the model exactly so.
     */
    public static String shortAnswer(String question) {
        return question + "\n" + SHORT_ANSWER;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ResponseType type = responseType(request.messages());
        String context = lastUserText(request.messages());
        Scene scene = scene(SymbolicContext.parse(context).boxes());
        SplittableRandom random = new SplittableRandom(context.hashCode() * 0x9E3779B97F4A7C15L + type.ordinal());
        String reply = switch (type) {
            case CONVERSATION -> conversation(scene, random);
            case DETAIL -> description(scene);
            case COMPLEX -> reasoning(scene, random);
        };
        return ChatResponse.builder().aiMessage(AiMessage.from(reply)).finishReason(FinishReason.STOP).build();
    }

    private String conversation(Scene scene, SplittableRandom random) {
        List<EvalQuestion> pool = inTurn(new QuestionGenerator(world, random.nextLong()).all(scene), random);
        StringBuilder sb = new StringBuilder();
        int asked = 0;
        for (EvalQuestion q : pool) {
            if (asked == questionsPerConversation) {
                break;
            }
            boolean brief = asked % 2 == 0;
            sb.append("Question:\n").append(brief ? shortAnswer(q.question()) : q.question()).append("\n===\n");
            sb.append("Answer:\n").append(brief ? capitalize(q.answer()) : sentence(q)).append("\n===\n");
            asked++;
        }
        return sb.toString().strip();
    }

    /** The questions shuffled within each kind, then the kinds taken in turn (in shuffled order) until all are used. */
    private static List<EvalQuestion> inTurn(List<EvalQuestion> questions, SplittableRandom random) {
        Map<QuestionType, List<EvalQuestion>> byType = new EnumMap<>(QuestionType.class);
        for (EvalQuestion q : questions) {
            byType.computeIfAbsent(q.type(), t -> new ArrayList<>()).add(q);
        }
        List<List<EvalQuestion>> queues = new ArrayList<>(byType.values());
        queues.forEach(queue -> shuffle(queue, random));
        shuffle(queues, random);
        List<EvalQuestion> ordered = new ArrayList<>(questions.size());
        for (int round = 0; ordered.size() < questions.size(); round++) {
            for (List<EvalQuestion> queue : queues) {
                if (round < queue.size()) {
                    ordered.add(queue.get(round));
                }
            }
        }
        return ordered;
    }

    private String description(Scene scene) {
        List<SceneObject> objects = scene.objects();
        StringBuilder sb = new StringBuilder();
        sb.append("The image shows ").append(count(objects.size(), "shape", "shapes")).append(". ");
        for (SceneObject o : objects) {
            sb.append(capitalize(article(o.size().label())) + " " + o.size().label() + " " + o.category() + " is "
                    + o.position().phrase() + ". ");
        }
        return sb.toString().strip();
    }

    private String reasoning(Scene scene, SplittableRandom random) {
        List<EvalQuestion> relations = new QuestionGenerator(world, random.nextLong()).all(scene).stream()
                .filter(q -> q.type() == QuestionType.RELATION).toList();
        if (!relations.isEmpty()) {
            EvalQuestion q = relations.get(random.nextInt(relations.size()));
            Matcher m = RELATION_Q.matcher(q.question());
            if (m.matches()) {
                SceneObject a = find(scene, m.group(1));
                SceneObject b = find(scene, m.group(3));
                boolean yes = q.answer().equals("yes");
                return "Question:\n" + q.question() + "\n===\nAnswer:\n" + (yes ? "Yes. " : "No. ") + "The "
                        + a.category() + " is " + a.position().phrase() + " and the " + b.category() + " is "
                        + b.position().phrase() + ", so the " + a.category() + (yes ? " is " : " is not ")
                        + m.group(2) + " the " + b.category() + ".";
            }
        }
        List<String> names = scene.objects().stream().map(o -> article(o.category()) + " " + o.category()).toList();
        return "Question:\nHow many shapes are there?\n===\nAnswer:\n" + scene.objects().size() + ". Counting them one"
                + " by one: " + String.join(", ", names) + ", which makes " + count(names.size(), "shape", "shapes")
                + ".";
    }

    /** The answer as a sentence, for questions asked without the short-answer prompt. */
    static String sentence(EvalQuestion q) {
        String a = q.answer();
        Matcher m;
        switch (q.type()) {
            case COLOUR -> {
                if ((m = COLOUR_Q.matcher(q.question())).matches()) {
                    return "The " + m.group(1) + " is " + a + ".";
                }
            }
            case SHAPE -> {
                if ((m = SHAPE_Q.matcher(q.question())).matches()) {
                    return "The " + m.group(1) + " object is " + article(a) + " " + a + ".";
                }
            }
            case POSITION -> {
                if ((m = WHERE_Q.matcher(q.question())).matches()) {
                    return "The " + m.group(1) + " is " + phrase(a) + " of the image.";
                }
            }
            case COUNT -> {
                if ((m = COUNT_Q.matcher(q.question())).matches()) {
                    return a.equals("0") ? "There are no " + m.group(1) + "."
                            : "There " + (a.equals("1") ? "is " : "are ") + a + " " + singular(m.group(1), a) + ".";
                }
            }
            case RELATION -> {
                if ((m = RELATION_Q.matcher(q.question())).matches()) {
                    boolean yes = a.equals("yes");
                    return (yes ? "Yes, the " : "No, the ") + m.group(1) + (yes ? " is " : " is not ") + m.group(2)
                            + " the " + m.group(3) + ".";
                }
            }
            default -> { }
        }
        return capitalize(a) + ".";
    }

    private Scene scene(List<ObjectBox> boxes) {
        int size = world.imageSize();
        List<SceneObject> objects = new ArrayList<>();
        for (ObjectBox box : boxes) {
            String category = box.category();
            int split = category.lastIndexOf(' ');
            Colour colour = world.colour(category.substring(0, split));
            Shape shape = Shape.fromLabel(category.substring(split + 1));
            int x = (int) Math.round(box.x1() * size);
            int y = (int) Math.round(box.y1() * size);
            int w = (int) Math.round((box.x2() - box.x1()) * size);
            int h = (int) Math.round((box.y2() - box.y1()) * size);
            Size objectSize = (double) w / size < (Size.SMALL.maxFraction() + Size.LARGE.minFraction()) / 2
                    ? Size.SMALL : Size.LARGE;
            objects.add(new SceneObject(shape, colour, objectSize, new PixelBox(x, y, w, h), size));
        }
        // the background is not in the boxes and no question is about it
        return new Scene(0, size, objects, new Background(Colour.GRAY, Texture.PLAIN, 0, 0));
    }

    private static SceneObject find(Scene scene, String category) {
        return scene.objects().stream().filter(o -> o.category().equals(category)).findFirst().orElseThrow();
    }

    private static ResponseType responseType(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                for (ResponseType type : ResponseType.values()) {
                    if (TeacherPrompts.of(type).system().equals(system.text())) {
                        return type;
                    }
                }
            }
        }
        throw new IllegalArgumentException("WorldTeacher answers only the built-in teacher prompts (TeacherPrompts)");
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return user.singleText();
            }
        }
        throw new IllegalArgumentException("no user message with the image's context");
    }

    private static String phrase(String position) {
        return switch (position) {
            case "top", "bottom" -> "at the " + position;
            case "left", "right" -> "on the " + position + " side";
            default -> "in the " + position;
        };
    }

    private static String singular(String noun, String count) {
        return count.equals("1") && noun.endsWith("s") ? noun.substring(0, noun.length() - 1)
                .replaceAll("(cross|plus)e$", "$1") : noun;
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String article(String word) {
        return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
