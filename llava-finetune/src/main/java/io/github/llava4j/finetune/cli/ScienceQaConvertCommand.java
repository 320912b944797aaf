package io.github.llava4j.finetune.cli;

import io.github.llava4j.finetune.scienceqa.ScienceQaConverter;
import io.github.llava4j.finetune.scienceqa.ScienceQaData;
import io.github.llava4j.finetune.scienceqa.SqaProblem;
import io.github.llava4j.finetune.scienceqa.SqaPrompt;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scienceqa-convert}: ScienceQA to LLaVA training JSON and/or an evaluation question file. */
@Command(name = "scienceqa-convert", mixinStandardHelpOptions = true,
        description = "Convert a ScienceQA split (problems.json + pid_splits.json) to LLaVA training JSON"
                + " and/or an evaluation question file (JSON Lines).")
final class ScienceQaConvertCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--problems", required = true, description = "ScienceQA problems.json")
    Path problems;

    @Option(names = "--pid-splits", required = true, description = "ScienceQA pid_splits.json")
    Path pidSplits;

    @Option(names = "--split", defaultValue = "train", description = "split to convert (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--format", defaultValue = "explanation-first",
            description = "training answer: answer, explanation-first (the paper's), answer-first")
    String format;

    @Option(names = "--out", description = "LLaVA training JSON to write")
    Path out;

    @Option(names = "--eval-out", description = "evaluation question file (JSON Lines) to write")
    Path evalOut;

    @Option(names = "--free-answer", description = "evaluation prompts without the 'answer with the letter' line")
    boolean freeAnswer;

    @Override
    public Integer call() {
        if (out == null && evalOut == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --out, --eval-out or both");
        }
        List<SqaProblem> list = ScienceQaData.read(problems, pidSplits, split);
        var o = spec.commandLine().getOut();
        if (out != null) {
            int n = ScienceQaConverter.writeTraining(list, SqaPrompt.AnswerFormat.parse(format), out);
            o.println("wrote " + n + " training samples to " + out);
        }
        if (evalOut != null) {
            int n = ScienceQaConverter.writeEvaluation(list, !freeAnswer, evalOut);
            o.println("wrote " + n + " evaluation questions to " + evalOut);
        }
        o.flush();
        return 0;
    }
}
