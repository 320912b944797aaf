package io.github.llava4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llava} command line (contract: DESIGN.md section 3, docs/cli.md). */
@Command(
        name = "llava",
        mixinStandardHelpOptions = true,
        version = "llava4j 0.1.0",
        description = "LLaVA on the JVM: answer questions about images with a local llava-hf checkpoint.",
        subcommands = {
            DemoCommand.class,
            GenerateCommand.class,
            ChatCommand.class,
            BenchCommand.class,
            RandomCheckpointCommand.class
        })
public final class LlavaCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return CliRunner.execute(new LlavaCli(), "llava", args, out, err);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
