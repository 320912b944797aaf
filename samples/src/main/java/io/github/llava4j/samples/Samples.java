package io.github.llava4j.samples;

import io.github.llava4j.DjlDefaults;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs a sample's picocli command with the given output, keeping DJL offline; shared by every sample's main. */
final class Samples {
    private Samples() {}

    static int run(Object command, String[] args, PrintWriter out) {
        DjlDefaults.apply();
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(out);
        int exit = cli.execute(args);
        out.flush();
        return exit;
    }
}
