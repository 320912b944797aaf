package io.github.llava4j.finetune.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.llava4j.LlavaException;
import io.github.llava4j.finetune.data.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Generates LLaVA instruction data from symbolic image descriptions with any LangChain4j {@link ChatModel} as the
 * teacher (paper §3): for each image and response type, the teacher reads the rendered captions (and boxes) after a
 * system message and few-shot examples, and its reply becomes one LLaVA sample with id {@code <image_id>_<type>}.
 *
 * <p>Output: a LLaVA JSON list at {@code output}. While running, every finished sample is appended to
 * {@link #journalFor(Path) the journal} beside it; a new run over the same output skips the ids the journal has, so
 * a killed run resumes. At the end the list is (re)written from the journal, in input order. Malformed replies and
 * calls that failed after all retries are counted and not journaled (a resumed run tries them again).
 */
public final class InstructionGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatModel teacher;
    private final Map<ResponseType, TeacherPrompt> prompts;
    private final Set<ResponseType> types;
    private final int concurrency;
    private final RetryPolicy retry;
    private final long seed;
    private final boolean progressBar;
    private final Set<ResponseType> boxes;

    private InstructionGenerator(Builder b) {
        this.teacher = Objects.requireNonNull(b.teacher, "teacher model");
        this.prompts = new EnumMap<>(b.prompts);
        this.types = EnumSet.copyOf(b.types);
        this.concurrency = b.concurrency;
        this.retry = b.retry;
        this.seed = b.seed;
        this.progressBar = b.progressBar;
        this.boxes = b.boxes.isEmpty() ? EnumSet.noneOf(ResponseType.class) : EnumSet.copyOf(b.boxes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The journal kept beside {@code output}: {@code <output name>.journal.jsonl}. */
    public static Path journalFor(Path output) {
        return output.resolveSibling(output.getFileName() + ".journal.jsonl");
    }

    /** The sample id of one image and type. */
    public static String sampleId(String imageId, ResponseType type) {
        return imageId + "_" + type.id();
    }

    /** Generates the missing samples for {@code images} and writes the complete list to {@code output}. */
    public GenerationSummary generate(List<ImageAnnotation> images, Path output) {
        GenerationSummary.Counter counter = new GenerationSummary.Counter();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, Job> plan = new LinkedHashMap<>();
        for (ImageAnnotation image : images) {
            for (ResponseType type : types) {
                Job job = new Job(image, type);
                if (plan.putIfAbsent(job.id(), job) != null) {
                    throw new LlavaException("image id " + image.imageId() + " appears twice in the annotations");
                }
            }
        }
        try (JsonlJournal journal = JsonlJournal.open(journalFor(output))) {
            Set<String> done = new HashSet<>();
            for (JsonNode node : journal.existing()) {
                done.add(node.path("id").asText());
            }
            List<Job> todo = new ArrayList<>();
            for (Job job : plan.values()) {
                if (done.contains(job.id())) {
                    counter.add(job.type(), 1);
                } else {
                    todo.add(job);
                }
            }
            run(todo, journal, counter, problems);
        }
        int written = writeList(plan.keySet(), output);
        return new GenerationSummary(counter.snapshot(types), written, problems);
    }

    private void run(List<Job> todo, JsonlJournal journal, GenerationSummary.Counter counter, List<String> problems) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, todo.size())), r -> {
            Thread t = new Thread(r, "teacher");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = Progress.start(progressBar, "teacher", todo.size())) {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : todo) {
                futures.add(pool.submit(() -> {
                    runOne(job, journal, counter, problems);
                    progress.step();
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlavaException("interrupted while generating; the journal keeps what was done", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new LlavaException(e.getCause().toString(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void runOne(Job job, JsonlJournal journal, GenerationSummary.Counter counter, List<String> problems) {
        String context = SymbolicContext.render(job.image(), boxes.contains(job.type()));
        String reply;
        try {
            ChatResponse response = retry.call(() -> teacher.chat(prompts.get(job.type()).messages(context)));
            reply = response.aiMessage().text();
        } catch (RuntimeException e) {
            counter.add(job.type(), 3);
            problems.add(job.id() + ": failed after " + retry.maxRetries() + " retries: " + e);
            return;
        }
        List<Turn> turns;
        try {
            turns = turns(job.image().imageId(), job.type(), reply, seed);
        } catch (MalformedReplyException e) {
            counter.add(job.type(), 2);
            problems.add(job.id() + ": malformed reply: " + e.getMessage());
            return;
        }
        journal.append(sampleJson(job.id(), job.image().fileName(), turns));
        counter.add(job.type(), 0);
    }

    /**
     * The conversation of one sample from the teacher's reply: {@code "<image>\n"} before the first question; a
     * detailed description is answered to an instruction picked by {@link DetailInstructions#pick}.
     *
     * @throws MalformedReplyException when the reply does not have the asked-for format
     */
    public static List<Turn> turns(String imageId, ResponseType type, String reply, long seed) {
        List<QaPair> pairs = switch (type) {
            case CONVERSATION -> ReplyParser.parseQa(reply);
            case COMPLEX -> List.of(ReplyParser.parseSingleQa(reply));
            case DETAIL -> List.of(new QaPair(DetailInstructions.pick(seed, imageId),
                    ReplyParser.parseDescription(reply)));
        };
        List<Turn> turns = new ArrayList<>();
        for (QaPair pair : pairs) {
            turns.add(new Turn(Turn.HUMAN, turns.isEmpty() ? "<image>\n" + pair.question() : pair.question()));
            turns.add(new Turn(Turn.GPT, pair.answer()));
        }
        return turns;
    }

    /** One sample in LLaVA's JSON shape. */
    public static ObjectNode sampleJson(String id, String image, List<Turn> turns) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("image", image);
        ArrayNode conversations = node.putArray("conversations");
        for (Turn turn : turns) {
            conversations.addObject().put("from", turn.role()).put("value", turn.value());
        }
        return node;
    }

    /** Writes the journal's samples in plan order (then any others it has) as one JSON list, atomically. */
    private static int writeList(Set<String> planOrder, Path output) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode node : JsonlJournal.readAll(journalFor(output), false)) {
            byId.put(node.path("id").asText(), node);
        }
        ArrayNode list = JSON.createArrayNode();
        for (String id : planOrder) {
            JsonNode node = byId.remove(id);
            if (node != null) {
                list.add(node);
            }
        }
        byId.values().forEach(list::add);
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), list);
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LlavaException(output + ": cannot write the generated data (" + e.getMessage() + ")", e);
        }
        return list.size();
    }

    private record Job(ImageAnnotation image, ResponseType type) {
        String id() {
            return sampleId(image.imageId(), type);
        }
    }

    /** Options of a generator; only the teacher is required. */
    public static final class Builder {
        private ChatModel teacher;
        private final Map<ResponseType, TeacherPrompt> prompts = new EnumMap<>(ResponseType.class);
        private Set<ResponseType> types = EnumSet.allOf(ResponseType.class);
        private int concurrency = 4;
        private RetryPolicy retry = RetryPolicy.defaults();
        private long seed = 42;
        private boolean progressBar = true;
        private Set<ResponseType> boxes = EnumSet.noneOf(ResponseType.class);

        private Builder() {
            for (ResponseType t : ResponseType.values()) {
                if (t.usesBoxes()) {
                    boxes.add(t);
                }
            }
            for (ResponseType t : ResponseType.values()) {
                prompts.put(t, TeacherPrompts.of(t));
            }
        }

        /** The teacher: any ChatModel (OpenAI, Anthropic, Ollama, a LlavaChatModel, ...). */
        public Builder teacher(ChatModel teacher) {
            this.teacher = teacher;
            return this;
        }

        /** Replaces the built-in prompt of one type. */
        public Builder prompt(ResponseType type, TeacherPrompt prompt) {
            prompts.put(type, Objects.requireNonNull(prompt, "prompt"));
            return this;
        }

        /** Keeps only the first {@code n} few-shot examples of every prompt (teachers with a short context). */
        public Builder fewShot(int n) {
            prompts.replaceAll((t, p) -> p.withExamples(n));
            return this;
        }

        /** Which response types to generate for each image (default: all three). */
        public Builder types(Set<ResponseType> types) {
            if (types.isEmpty()) {
                throw new IllegalArgumentException("at least one response type is needed");
            }
            this.types = EnumSet.copyOf(types);
            return this;
        }

        /** How many teacher calls run at once (default 4). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Seeds the choice of detailed-description instructions (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to draw a progress bar on stderr (default true). */
        public Builder progressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        /**
         * Which response types see the object boxes in their context (default: detailed description and complex
         * reasoning, as LLaVA's prompts; conversations see captions only). A teacher whose conversations should ask
         * about positions needs the boxes there too.
         */
        public Builder boxesFor(Set<ResponseType> types) {
            this.boxes = types.isEmpty() ? EnumSet.noneOf(ResponseType.class) : EnumSet.copyOf(types);
            return this;
        }

        public InstructionGenerator build() {
            return new InstructionGenerator(this);
        }
    }
}
