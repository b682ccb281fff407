package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** The log file of a ternd started as its own process: waits, bounded, for lines to appear in it. */
public final class ProcessLog {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private ProcessLog() {
    }

    /** Waits (at most 30 s) until the log holds {@code text}; fails early when the process has exited. */
    public static void await(Path log, String text, Process process) throws Exception {
        await(log, text, process, 1);
    }

    /** Waits (at most 30 s) until the log holds {@code text} at least {@code times} times. */
    public static void await(Path log, String text, Process process, int times) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (content.split(Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            if (!process.isAlive()) {
                fail("ternd exited before logging '" + text + "': " + content);
            }
            Thread.sleep(100);
        }
        fail("ternd did not log '" + text + "' " + times + " time(s) within " + LIMIT.toSeconds() + " s: "
                + Files.readString(log));
    }
}
