package io.github.llava4j.finetune.cli;

import io.github.llava4j.finetune.judge.BenchAnswers;
import io.github.llava4j.finetune.judge.BenchJudge;
import io.github.llava4j.finetune.judge.BenchQuestion;
import io.github.llava4j.finetune.judge.BenchQuestions;
import io.github.llava4j.finetune.judge.BenchReport;
import io.github.llava4j.finetune.teacher.RetryPolicy;
import io.github.llava4j.langchain4j.LlavaChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eval-bench}: LLaVA-Bench style evaluation of a llava-hf folder, judged by another local model. */
@Command(name = "eval-bench", mixinStandardHelpOptions = true,
        description = "Answer bench questions with a model, have a judge model rate them against the references,"
                + " print the relative scores per category.")
final class EvalBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "llava-hf folder to evaluate")
    Path model;

    @Option(names = "--questions", required = true, description = "question file (JSON Lines)")
    Path questions;

    @Option(names = "--images", required = true, description = "folder the questions' image paths are relative to")
    Path images;

    @Option(names = "--judge-model", required = true, description = "llava-hf folder used as the judge")
    Path judgeModel;

    @Option(names = "--out", required = true, description = "folder for answers.jsonl and judgements.jsonl")
    Path out;

    @Option(names = "--max-output-tokens", defaultValue = "1024", description = "answer and judge reply limit")
    int maxOutputTokens;

    @Option(names = "--judge-temperature", defaultValue = "0.2", description = "judge temperature (LLaVA: 0.2)")
    double judgeTemperature;

    @Option(names = "--seed", defaultValue = "42", description = "judge sampling seed")
    long seed;

    @Option(names = "--max-retries", defaultValue = "3", description = "retries per call")
    int maxRetries;

    @Option(names = "--no-progress", description = "no progress bars")
    boolean noProgress;

    @Override
    public Integer call() {
        List<BenchQuestion> qs = BenchQuestions.read(questions);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        RetryPolicy retry = new RetryPolicy(maxRetries, Duration.ofSeconds(1));
        Map<String, String> answers;
        try (LlavaChatModel candidate = LocalChatModels.open(model, maxOutputTokens, 0.0, seed)) {
            answers = BenchAnswers.collect(candidate, qs, images, out.resolve("answers.jsonl"), retry, !noProgress);
        }
        BenchReport report;
        try (LlavaChatModel judge = LocalChatModels.open(judgeModel, maxOutputTokens, judgeTemperature, seed)) {
            report = BenchJudge.builder().judge(judge).retry(retry).progressBar(!noProgress).build()
                    .evaluate(qs, answers, out.resolve("judgements.jsonl"));
        }
        spec.commandLine().getOut().println(report.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
