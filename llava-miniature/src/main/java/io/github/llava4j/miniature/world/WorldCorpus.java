package io.github.llava4j.miniature.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Plain text about the world for pretraining a tiny language model: per scene, every caption template and a few
 * question/answer pairs ({@code "Q: What colour is the circle? A: red."}). Seeded like the rest of the world; pick
 * an index range disjoint from the evaluation scenes.
 */
public final class WorldCorpus {

    private final SceneGenerator generator;
    private final Captioner captioner;
    private final QuestionGenerator questions;
    private final int questionsPerType;

    /** A corpus over {@code new SceneGenerator(config, seed)} with {@code questionsPerType} Q/A pairs per type. */
    public WorldCorpus(WorldConfig config, long seed, int questionsPerType) {
        Objects.requireNonNull(config, "config");
        if (questionsPerType < 0) {
            throw new IllegalArgumentException("questionsPerType must be >= 0, got " + questionsPerType);
        }
        this.generator = new SceneGenerator(config, seed);
        this.captioner = new Captioner(config, seed);
        this.questions = new QuestionGenerator(config, seed);
        this.questionsPerType = questionsPerType;
    }

    /** The sentences about {@code scene}: all captions, then the Q/A pairs. */
    public List<String> sentences(Scene scene) {
        List<String> sentences = new ArrayList<>(captioner.allCaptions(scene));
        for (EvalQuestion q : questions.sample(scene, questionsPerType)) {
            sentences.add("Q: " + q.question() + " A: " + q.answer() + ".");
        }
        return sentences;
    }

    /** One document (sentences joined by newlines) per scene {@code first .. first+count-1}. */
    public Stream<String> documents(long first, long count) {
        return generator.stream(first, count).map(scene -> String.join("\n", sentences(scene)));
    }
}
