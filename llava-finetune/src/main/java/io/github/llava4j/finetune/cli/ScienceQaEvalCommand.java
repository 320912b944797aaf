package io.github.llava4j.finetune.cli;

import dev.langchain4j.model.chat.ChatModel;
import io.github.llava4j.finetune.scienceqa.AnswerExtractor;
import io.github.llava4j.finetune.scienceqa.ComplementEnsemble;
import io.github.llava4j.finetune.scienceqa.JudgeEnsemble;
import io.github.llava4j.finetune.scienceqa.ScienceQaData;
import io.github.llava4j.finetune.scienceqa.ScienceQaEvaluator;
import io.github.llava4j.finetune.scienceqa.SqaProblem;
import io.github.llava4j.finetune.scienceqa.SqaScores;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scienceqa-eval}: ScienceQA accuracy of a llava-hf folder, alone or in an ensemble with a text model. */
@Command(name = "scienceqa-eval", mixinStandardHelpOptions = true,
        description = "Answer a ScienceQA split with a model (optionally ensembled with a text-only model) and print"
                + " the accuracy per subject, context modality and grade.")
final class ScienceQaEvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf folder to evaluate")
    Path model;

    @Option(names = "--problems", required = true, description = "ScienceQA problems.json")
    Path problems;

    @Option(names = "--pid-splits", required = true, description = "ScienceQA pid_splits.json")
    Path pidSplits;

    @Option(names = "--images", required = true, description = "ScienceQA images/ folder (<split>/<pid>/image.png)")
    Path images;

    @Option(names = "--split", defaultValue = "test", description = "split (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--out", required = true, description = "predictions (JSON Lines; a rerun resumes from it)")
    Path out;

    @Option(names = "--text-model", description = "llava-hf folder of the text-only model for --ensemble")
    Path textModel;

    @Option(names = "--ensemble", description = "complement or judge (needs --text-model)")
    String ensemble;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N problems (0 = all)")
    int limit;

    @Option(names = "--free-answer", description = "do not ask for the bare letter (chain-of-thought models)")
    boolean freeAnswer;

    @Option(names = "--max-output-tokens", defaultValue = "512", description = "answer limit")
    int maxOutputTokens;

    @Option(names = "--max-retries", defaultValue = "3", description = "retries per call")
    int maxRetries;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() {
        if ((textModel == null) != (ensemble == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--text-model and --ensemble go together");
        }
        List<SqaProblem> list = ScienceQaData.read(problems, pidSplits, split);
        if (limit > 0 && list.size() > limit) {
            list = list.subList(0, limit);
        }
        SqaScores scores;
        String extra = "";
        try (LlavaChatModel vision = LocalChatModels.open(model, maxOutputTokens, 0.0, 0);
                LlavaChatModel text = textModel == null ? null
                        : LocalChatModels.open(textModel, maxOutputTokens, 0.0, 0)) {
            ChatModel answering = vision;
            if (ensemble != null) {
                answering = switch (ensemble) {
                    case "complement" -> new ComplementEnsemble(text, vision, AnswerExtractor::extract);
                    case "judge" -> new JudgeEnsemble(text, vision, AnswerExtractor::extract);
                    default -> throw new CommandLine.ParameterException(spec.commandLine(),
                            "--ensemble must be complement or judge, got " + ensemble);
                };
            }
            scores = new ScienceQaEvaluator(answering, images, !freeAnswer,
                    new RetryPolicy(maxRetries, Duration.ofSeconds(1)), !noProgress).evaluate(list, out);
            if (answering instanceof ComplementEnsemble c) {
                extra = "fell back to the vision model: " + c.fallbacks();
            } else if (answering instanceof JudgeEnsemble j) {
                extra = "re-queried on disagreement: " + j.requeries();
            }
        }
        var o = spec.commandLine().getOut();
        o.println(scores.format());
        if (!extra.isEmpty()) {
            o.println(extra);
        }
        o.flush();
        return 0;
    }
}
