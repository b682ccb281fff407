package dev.tern.server.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.tern.control.cli.TernCtl;

/** One run of {@code ternctl}, in-process, against a control socket: exit code, stdout and stderr. */
public record TernCtlRun(int code, String out, String err) {
    public static TernCtlRun of(Path socket, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        int code = new picocli.CommandLine(new TernCtl()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new TernCtlRun(code, out.toString().trim(), err.toString().trim());
    }
}
