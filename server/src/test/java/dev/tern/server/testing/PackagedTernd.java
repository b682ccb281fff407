package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the attack tests need to run ternd as the package does, in a process of its own: the JVM options the
 * packaged launcher always passes, the port the process logged, and its resident memory.
 */
public final class PackagedTernd {
    private PackagedTernd() {
    }

    /** The JVM options the packaged launcher (packaging/.../usr/bin/ternd) always passes, before TERN_JAVA_OPTS. */
    public static List<String> jvmOptions() throws IOException {
        Path launcher = Path.of("..", "packaging", "src", "main", "root", "usr", "bin", "ternd");
        Matcher exec = Pattern.compile("exec \"\\$java\" (.*?) \\$TERN_JAVA_OPTS").matcher(Files.readString(launcher));
        if (!exec.find()) {
            fail("no exec line in " + launcher);
        }
        return List.of(exec.group(1).trim().split("\\s+"));
    }

    /** The port ternd logged it listens on at 127.0.0.1, or -1 when it has not logged it yet. */
    public static int port(Path log) throws IOException {
        Matcher matcher = Pattern.compile("listening on 127\\.0\\.0\\.1 port (\\d+)").matcher(Files.readString(log));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** The resident set size of a process, in KiB (VmRSS), or 0 when the process is gone. */
    public static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
