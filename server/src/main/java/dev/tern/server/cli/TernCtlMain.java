package dev.tern.server.cli;

import picocli.AutoComplete;
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
        CommandLine commandLine = new CommandLine(new TernCtl()).addSubcommand(new ZoneCommand())
                .addSubcommand(new TsigCommand());
        // Picocli's own generator: `source <(ternctl generate-completion)` in bash or zsh.
        commandLine.addSubcommand("generate-completion", new AutoComplete.GenerateCompletion());
        return commandLine;
    }
}
