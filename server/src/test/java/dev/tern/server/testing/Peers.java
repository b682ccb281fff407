package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real programs the tests talk to (dig, pdns_server, ...). A missing one fails the test with the Debian package to
 * install; it is never a silent skip. {@code dev/install-test-peers} installs them all.
 */
public final class Peers {
    private static final String[] PATH = {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin",
            "/usr/local/sbin"};

    private Peers() {
    }

    /** The absolute path of a command, or a failed test naming the package that provides it. */
    public static String require(String command, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(PATH));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(command + " is not installed: run dev/install-test-peers, or apt-get install " + debianPackage);
    }

    /** Runs a command to completion (bounded by {@code timeoutSeconds}); returns its stdout and stderr. */
    public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("peer", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return fail(String.join(" ", command) + ": no exit within " + timeoutSeconds + " s; output: "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A finished command. */
    public record Result(int exitCode, String output) {
    }
}
