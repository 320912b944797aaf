package io.github.llava4j.miniature.recipe;

import io.github.llava4j.Llava;
import io.github.llava4j.LlavaEngine;
import io.github.llava4j.LlavaRequest;
import io.github.llava4j.generate.GenerationConfig;
import io.github.llava4j.finetune.teacher.Progress;
import io.github.llava4j.generate.GenerationListener;
import io.github.llava4j.miniature.teacher.WorldTeacher;
import io.github.llava4j.miniature.world.AccuracyReport;
import io.github.llava4j.miniature.world.AnswerScorer;
import io.github.llava4j.miniature.world.DescriptionScore;
import io.github.llava4j.miniature.world.DescriptionScorer;
import io.github.llava4j.miniature.world.EvalQuestion;
import io.github.llava4j.miniature.world.Scene;
import io.github.llava4j.miniature.world.WorldConfig;
import io.github.llava4j.miniature.world.WorldWriter;
import io.github.llava4j.text.Conversation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures a model on held-out scenes: exact-answer accuracy per question type (greedy decoding, LLaVA-1.5's
 * short-answer prompt) and free-form descriptions scored against the annotation.
 */
public final class Evaluator {
    /** The instruction the description score uses (one of the detailed-description phrasings). */
    public static final String DESCRIBE = "Describe the image in detail.";

    private final WorldConfig world;
    private final Path images;
    private final boolean progress;

    /** @param images the held-out split's image folder ({@link WorldWriter#fileName} names) */
    public Evaluator(WorldConfig world, Path images, boolean progress) {
        this.world = world;
        this.images = images;
        this.progress = progress;
    }

    /** What a model achieved; {@code answers.get(i)} is its reply to question i. */
    public record Result(String name, AccuracyReport accuracy, DescriptionScore.Mean description, List<String> answers) {}

    public Result evaluate(String name, Path model, List<EvalQuestion> questions, List<Scene> describe) {
        try (LlavaEngine engine = Llava.load(model);
                Progress bar = Progress.start(progress, "eval " + name, questions.size() + describe.size())) {
            List<String> answers = new ArrayList<>();
            for (EvalQuestion q : questions) {
                answers.add(ask(engine, q.sceneId(), WorldTeacher.shortAnswer(q.question()), 8));
                bar.step();
            }
            DescriptionScorer scorer = new DescriptionScorer(world);
            List<DescriptionScore> scores = new ArrayList<>();
            for (Scene scene : describe) {
                scores.add(scorer.score(ask(engine, scene.id(), DESCRIBE, 96), scene));
                bar.step();
            }
            return new Result(name, new AnswerScorer().score(questions, answers), DescriptionScore.mean(scores),
                    answers);
        }
    }

    /** One greedy answer about scene {@code sceneId}'s image. */
    public String ask(LlavaEngine engine, long sceneId, String prompt, int maxNewTokens) {
        byte[] image;
        try {
            image = Files.readAllBytes(images.resolve(WorldWriter.fileName(sceneId)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return engine.generate(LlavaRequest.builder()
                        .conversation(Conversation.builder().user(prompt, 1).build())
                        .image(image)
                        .generation(GenerationConfig.builder().maxNewTokens(maxNewTokens).temperature(0).build())
                        .build(), GenerationListener.NONE)
                .generation().text().strip();
    }
}
