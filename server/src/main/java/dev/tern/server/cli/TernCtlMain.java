package dev.tern.server.cli;

import picocli.CommandLine;
import dev.tern.control.cli.TernCtl;

/** {@code ternctl}'s entry point: the control commands, plus {@code zone} for editing the database. */
public final class TernCtlMain {
    private TernCtlMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** ternctl with every subcommand; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new TernCtl()).addSubcommand(new ZoneCommand()).addSubcommand(new TsigCommand());
    }
}
