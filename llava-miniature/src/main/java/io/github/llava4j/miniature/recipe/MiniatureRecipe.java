package io.github.llava4j.miniature.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llava4j.finetune.teacher.CocoAnnotations;
import io.github.llava4j.finetune.teacher.DetailInstructions;
import io.github.llava4j.finetune.teacher.GenerationSummary;
import io.github.llava4j.finetune.teacher.InstructionGenerator;
import io.github.llava4j.finetune.teacher.ResponseType;
import io.github.llava4j.finetune.train.Stage;
import io.github.llava4j.finetune.train.Trainer;
import io.github.llava4j.finetune.train.TrainerConfig;
import io.github.llava4j.finetune.train.TrainingResult;
import io.github.llava4j.miniature.teacher.WorldTeacher;
import io.github.llava4j.miniature.world.AccuracyReport;
import io.github.llava4j.miniature.world.AnswerScorer;
import io.github.llava4j.miniature.world.Captioner;
import io.github.llava4j.miniature.world.EvalQuestion;
import io.github.llava4j.miniature.world.QuestionGenerator;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.WorldCorpus;
import io.github.llava4j.miniature.world.WorldWriter;
import io.github.llava4j.text.ChatTemplates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;

/**
 * The paper's recipe in miniature, from nothing to an evaluated model: the shape world and its annotations, stand-ins
 * for the pretrained CLIP and LLaMA, instruction data from the teacher, stage 1 and stage 2 with llava-finetune, and
 * the evaluation on held-out scenes with the paper's ablations (stage 1 only; stage 2 without stage 1; both).
 * Everything derives from the seed.
 */
public final class MiniatureRecipe {
    /** Steps with a non-finite gradient tolerated per training run (skipped and logged; see docs/miniature.md). */
    static final int MAX_SKIPPED_STEPS = 200;
    /**
     * Questions per teacher conversation. A training sample costs about the same whatever its length at these sizes
     * (the per-operation overhead dominates), so long conversations give the most answers per second of training.
     */
    static final int QUESTIONS_PER_CONVERSATION = 10;
    /** Decoder positions per training pass: several samples packed (see TrainerConfig.packPositions). */
    static final int PACK_POSITIONS = 320;

    private final RecipeConfig config;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public MiniatureRecipe(RecipeConfig config) {
        this.config = config;
    }

    /**
     * What the run produced; {@code fullByObjects} is the full model's accuracy by the number of objects in the
     * question's scene (a lone object needs no finding: the gap to scenes of several shows how well it binds).
     */
    public record Report(Path fullModel, List<Evaluator.Result> results, Map<String, Double> secondsPerStep,
            GenerationSummary teacher, Map<String, TrainingResult> training,
            SortedMap<Integer, AccuracyReport> fullByObjects) {}

    public Report run() {
        Path out = config.output();
        WorldWriter writer = new WorldWriter(config.world(), config.seed());
        WorldWriter.Split train = timed("world", () -> writer.write(out.resolve("world/train"), "train", 1,
                config.trainImages()));
        WorldWriter.Split heldOut = timed("world", () -> writer.write(out.resolve("world/heldout"), "heldout",
                1_000_000, config.heldOutImages()));
        List<EvalQuestion> questions = questions(heldOut.scenes());
        WorldWriter.writeQuestions(out.resolve("world/heldout"), "heldout", questions);

        Path base = timed("pretrain", () -> Pretraining.run(config, train, corpus(), out.resolve("base")));

        Path captions = timed("data", () -> stage1Data(train, out.resolve("data/captions.json")));
        GenerationSummary teacher = timed("teacher", () -> InstructionGenerator.builder()
                .teacher(new WorldTeacher(config.world(), QUESTIONS_PER_CONVERSATION))
                .boxesFor(EnumSet.allOf(ResponseType.class))
                .concurrency(2)
                .seed(config.seed())
                .progressBar(config.progressBar())
                .build()
                .generate(CocoAnnotations.read(train.captionsFile(), train.instancesFile()),
                        out.resolve("data/instruct.json")));
        Path instruct = out.resolve("data/instruct.json");

        Map<String, TrainingResult> training = new LinkedHashMap<>();
        Path images = train.dir().resolve("images");
        training.put("stage1", timed("stage1", () -> new Trainer(stage1(base, captions, images, out)).run()));
        training.put("stage2", timed("stage2", () -> new Trainer(stage2(training.get("stage1").model(), instruct,
                images, out.resolve("stage2"))).run()));
        if (config.ablations()) {
            training.put("stage2-only", timed("stage2-only", () -> new Trainer(stage2(base, instruct, images,
                    out.resolve("stage2-only"))).run()));
        }

        Evaluator evaluator = new Evaluator(config.world(), heldOut.dir().resolve("images"), config.progressBar());
        List<Scene> described = heldOut.scenes().subList(0, Math.min(config.describedImages(),
                heldOut.scenes().size()));
        List<Evaluator.Result> results = new ArrayList<>();
        timed("eval", () -> {
            if (config.ablations()) {
                results.add(evaluator.evaluate("stage 1 only", training.get("stage1").model(), questions, described));
                results.add(evaluator.evaluate("stage 2 only (no stage 1)", training.get("stage2-only").model(),
                        questions, described));
            }
            results.add(evaluator.evaluate("full (stage 1 + stage 2)", training.get("stage2").model(), questions,
                    described));
            return null;
        });
        Map<Long, Integer> objects = new HashMap<>();
        heldOut.scenes().forEach(scene -> objects.put(scene.id(), scene.objects().size()));
        SortedMap<Integer, AccuracyReport> byObjects = new AnswerScorer().scoreBy(questions,
                results.get(results.size() - 1).answers(), q -> objects.get(q.sceneId()));
        Report report = new Report(training.get("stage2").model(), results, seconds, teacher, training, byObjects);
        RecipeReport.write(report, config, out);
        return report;
    }

    private List<EvalQuestion> questions(List<Scene> scenes) {
        QuestionGenerator generator = new QuestionGenerator(config.world(), config.seed() + 1);
        List<EvalQuestion> all = new ArrayList<>();
        for (Scene scene : scenes) {
            all.addAll(generator.sample(scene, config.questionsPerType()));
        }
        return all;
    }

    /**
     * The language model's pretraining documents, which also teach the tokenizer the chat template's words: the
     * template's phrases, then one document per training scene (its captions, then questions about it with their
     * answers). Each document stays whole in training, so the model learns to answer from the text before the
     * question, as the paper's LLM answers from the visual tokens before it.
     */
    private List<String> corpus() {
        WorldCorpus corpus = new WorldCorpus(config.world(), config.seed(), 2);
        List<String> documents = new ArrayList<>(List.of(ChatTemplates.defaultTemplate().defaultSystem(),
                "USER: ASSISTANT:", WorldTeacher.SHORT_ANSWER, String.join("\n", DetailInstructions.ALL)));
        corpus.documents(1, config.trainImages()).forEach(documents::add);
        return documents;
    }

    /** Stage 1's caption pairs in LLaVA's format: one caption per image, picked with the seed. */
    private Path stage1Data(WorldWriter.Split train, Path file) {
        Captioner captioner = new Captioner(config.world(), config.seed());
        SplittableRandom random = new SplittableRandom(config.seed());
        ObjectMapper json = new ObjectMapper();
        ArrayNode samples = json.createArrayNode();
        for (Scene scene : train.scenes()) {
            List<String> captions = captioner.captions(scene);
            ObjectNode sample = samples.addObject();
            sample.put("id", "caption-" + scene.id());
            sample.put("image", WorldWriter.fileName(scene.id()));
            ArrayNode turns = sample.putArray("conversations");
            turns.addObject().put("from", "human").put("value", "<image>");
            turns.addObject().put("from", "gpt").put("value", captions.get(random.nextInt(captions.size())));
        }
        try {
            Files.createDirectories(file.getParent());
            json.writeValue(file.toFile(), samples);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private TrainerConfig stage1(Path base, Path data, Path images, Path out) {
        return trainerConfig(Stage.STAGE1, base, data, images, out.resolve("stage1"), config.stage1Epochs(),
                config.stage1BatchSize(), config.stage1LearningRate());
    }

    /** Stage 2 as the recipe runs it: the language model at {@code stage2LearningRate}, the projector at its own. */
    TrainerConfig stage2(Path model, Path data, Path images, Path out) {
        return trainerConfig(Stage.STAGE2, model, data, images, out, config.stage2Epochs(), config.stage2BatchSize(),
                config.stage2LearningRate()).toBuilder()
                .projectorLearningRate(config.stage2ProjectorLearningRate()).build();
    }

    /** A stage's run as a user would configure it; only the epochs, batch and learning rate differ between stages. */
    private TrainerConfig trainerConfig(Stage stage, Path model, Path data, Path images, Path out, int epochs,
            int batchSize, double learningRate) {
        return TrainerConfig.builder(stage).model(model).data(data).images(images).output(out)
                .epochs(epochs).batchSize(batchSize).learningRate(learningRate).seed(config.seed())
                .saveEverySteps(100).keepCheckpoints(1).maxSkippedSteps(MAX_SKIPPED_STEPS)
                .packPositions(PACK_POSITIONS).progressBar(config.progressBar()).build();
    }

    private <T> T timed(String step, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            seconds.merge(step, (System.nanoTime() - start) / 1e9, Double::sum);
        }
    }
}
