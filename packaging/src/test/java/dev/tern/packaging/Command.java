package dev.tern.packaging;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command run to its end within a deadline, stdout and stderr together. The environment is the one
 * systemd gives a service (a plain PATH, no JAVA_HOME), so the launchers find Java as they will on a real host.
 */
record Command(List<String> argv, int exitCode, String output) {
    /** What systemd puts in PATH; the launchers must find java through it. */
    static final String SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static Command run(Duration timeout, String... argv) {
        return run(timeout, null, Map.of(), argv);
    }

    /** Runs {@code argv} in {@code dir} (null: here) with {@code env} added; fails the test when it overruns. */
    static Command run(Duration timeout, Path dir, Map<String, String> env, String... argv) {
        Path log = null;
        try {
            log = Files.createTempFile("tern-packaging-command", ".log");
            Process process = start(dir, env, log, argv);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("%s: still running after %d s; its output:%n%s", String.join(" ", argv), timeout.toSeconds(),
                        Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Command(List.of(argv), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }

    /** Starts {@code argv} in the background with its output going to {@code log}. */
    static Process start(Path dir, Map<String, String> env, Path log, String... argv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_HOME");
        environment.remove("NOTIFY_SOCKET");
        environment.put("PATH", SERVICE_PATH);
        environment.put("DEBIAN_FRONTEND", "noninteractive");
        environment.put("LC_ALL", "C.UTF-8");
        environment.putAll(env);
        return builder.start();
    }

    /** Asserts exit code 0 and returns the output. */
    String ok() {
        if (exitCode != 0) {
            fail("%s: exit code %d (expected: 0); its output:%n%s", String.join(" ", argv), exitCode, output);
        }
        return output;
    }

    /** Fails, naming the Debian package to install, when {@code command} is not on the service PATH. */
    static void require(String command, String debianPackage) {
        for (String dir : SERVICE_PATH.split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        fail("the packaging test needs '%s', which is not installed: install the Debian package %s "
                + "(dev/install-test-peers installs every package the tests need)", command, debianPackage);
    }

    /** Fails unless the test runs as root, which apt-get, runuser and setpriv need. */
    static void requireRoot() {
        String uid = run(Duration.ofSeconds(10), "id", "-u").ok().strip();
        if (!uid.equals("0")) {
            fail("the packaging test installs the .deb with apt-get and runs ternd as the user tern, so it needs "
                    + "root (uid %s here): run ./mvnw verify as root, as CI does", uid);
        }
    }

    /** Variables to add to a command's environment, from key, value pairs. */
    static Map<String, String> env(String... keysAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }
}
