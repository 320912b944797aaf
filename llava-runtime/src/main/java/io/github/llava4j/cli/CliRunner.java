package io.github.llava4j.cli;

import io.github.llava4j.DjlDefaults;
import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Runs a llava4j picocli command the same way for every launcher ({@code llava}, {@code llava-ft}): DJL kept
 * offline, the given streams, and a one-line {@code NAME: error: ...} for errors raised on purpose (exit 1), a stack
 * trace only for real bugs. Usage errors keep picocli's exit code 2.
 */
public final class CliRunner {
    private CliRunner() {}

    /** Executes {@code command} with {@code args}; returns the exit code. */
    public static int execute(Object command, String name, String[] args, PrintWriter out, PrintWriter err) {
        DjlDefaults.apply();
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof LlavaException || ex instanceof IllegalArgumentException
                    || ex instanceof UncheckedIOException || ex instanceof IOException) {
                commandLine.getErr().println(name + ": error: " + ex.getMessage());
            } else {
                commandLine.getErr().println(name + ": internal error: " + ex);
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }
}
