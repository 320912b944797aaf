package io.github.llava4j.finetune.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.ChatModel;
import io.github.llava4j.finetune.teacher.JsonlJournal;
import io.github.llava4j.finetune.teacher.Progress;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * LLM-as-judge evaluation in LLaVA-Bench style with any LangChain4j {@link ChatModel} as the judge: the judge reads
 * each question's textual context, the reference answer and the candidate's answer, and rates both.
 */
public final class BenchJudge {
    private final ChatModel judge;
    private final JudgePrompt prompt;
    private final RetryPolicy retry;
    private final boolean progressBar;

    private BenchJudge(Builder b) {
        this.judge = Objects.requireNonNull(b.judge, "judge model");
        this.prompt = b.prompt;
        this.retry = b.retry;
        this.progressBar = b.progressBar;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Judges one answer; a call failing after all retries gives an unparseable judgement with a null reply. */
    public Judgement judge(BenchQuestion q, String candidate) {
        String reply;
        try {
            reply = retry.call(() -> judge.chat(prompt.messages(q, candidate))).aiMessage().text();
        } catch (RuntimeException e) {
            return new Judgement(q.questionId(), q.category(), candidate, null, java.util.Optional.empty());
        }
        return new Judgement(q.questionId(), q.category(), candidate, reply, ScoreParser.parse(reply));
    }

    /**
     * Judges every question that has an answer in {@code answers} (question id to candidate answer), appending each
     * judgement to {@code judgements} (JSON Lines; questions already judged there are not asked again, so a killed
     * run resumes), and reports the scores of all judgements of these questions.
     */
    public BenchReport evaluate(List<BenchQuestion> questions, Map<String, String> answers, Path judgements) {
        Map<String, Judgement> done = new HashMap<>();
        List<Judgement> all = new ArrayList<>();
        try (JsonlJournal journal = JsonlJournal.open(judgements);
                Progress progress = Progress.start(progressBar, "judge", questions.size())) {
            for (JsonNode node : journal.existing()) {
                Judgement j = Judgement.fromJson(node);
                done.put(j.questionId(), j);
            }
            for (BenchQuestion q : questions) {
                Judgement j = done.get(q.questionId());
                if (j == null && answers.containsKey(q.questionId())) {
                    j = judge(q, answers.get(q.questionId()));
                    journal.append(j.toJson());
                }
                if (j != null) {
                    all.add(j);
                }
                progress.step();
            }
        }
        return BenchReport.of(all);
    }

    /** Options; only the judge is required. */
    public static final class Builder {
        private ChatModel judge;
        private JudgePrompt prompt = JudgePrompt.defaults();
        private RetryPolicy retry = RetryPolicy.defaults();
        private boolean progressBar = true;

        private Builder() {}

        /** The judge: any ChatModel; LLaVA used GPT-4 at temperature 0.2. */
        public Builder judge(ChatModel judge) {
            this.judge = judge;
            return this;
        }

        public Builder prompt(JudgePrompt prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder progressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        public BenchJudge build() {
            return new BenchJudge(this);
        }
    }
}
