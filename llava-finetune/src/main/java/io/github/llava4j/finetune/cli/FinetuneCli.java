package io.github.llava4j.finetune.cli;

import io.github.llava4j.cli.CliRunner;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llava-finetune} command line (docs/finetuning.md). */
@Command(
        name = "llava-finetune",
        mixinStandardHelpOptions = true,
        version = "llava4j 0.1.0",
        description = "LLaVA training (stage 1, stage 2, LoRA) on LLaVA's JSON data format, teacher-LLM data generation,"
                + " LLM-as-judge evaluation and ScienceQA.",
        subcommands = {
            InspectDataCommand.class,
            TrainCommand.Stage1.class,
            TrainCommand.Stage2.class,
            GenerateDataCommand.class,
            EvalBenchCommand.class,
            ScienceQaConvertCommand.class,
            ScienceQaEvalCommand.class
        })
public final class FinetuneCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return CliRunner.execute(new FinetuneCli(), "llava-finetune", args, out, err);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
