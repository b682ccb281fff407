package dev.tern.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;
import dev.tern.server.Main;
import dev.tern.server.cli.TernCtlMain;

/**
 * Build step of the packages, not shipped: writes the AsciiDoc man pages of {@code ternd} and of {@code ternctl}
 * with every subcommand, and the bash completion of {@code ternctl}, from the command lines the programs really
 * run ({@code ternctl}'s is assembled in code, with {@code zone} and {@code tsig}, so picocli's class-name based
 * generators would miss those).
 */
public final class GeneratedDocs {
    private GeneratedDocs() {
    }

    /** Arguments: the directory for the man pages, the file for the completion script. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: GeneratedDocs MAN-ADOC-DIR COMPLETION-FILE");
        }
        File outdir = new File(args[0]);
        Files.createDirectories(outdir.toPath());
        CommandLine ternctl = TernCtlMain.commandLine();
        int status = ManPageGenerator.generateManPage(outdir, null, new boolean[0], true,
                new CommandLine(new Main()).getCommandSpec(), ternctl.getCommandSpec());
        if (status != 0) {
            throw new IOException("the man page generator failed with status " + status);
        }
        Files.writeString(Path.of(args[1]), AutoComplete.bash("ternctl", ternctl), StandardCharsets.UTF_8);
    }
}
