package dev.tern.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.config.ConfigException;
import dev.tern.config.ConfigLoader;
import dev.tern.config.TernConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code ternd}: the daemon's command line. Settings come from the config file and {@code --key=value}. */
@Command(name = "ternd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Tern authoritative DNS nameserver.%n"
                + "Any setting of tern.conf can be given as --key=value; it overrides the file.")
public final class Main implements Callable<Integer> {
    /** Exit code for a configuration that cannot be used. */
    static final int EXIT_CONFIG = 2;
    /** Exit code for a start that failed (port in use, database unusable). */
    static final int EXIT_START = 1;

    @Option(names = "--config", paramLabel = "FILE", description = "The tern.conf to read (default: none, "
            + "every setting at its default)")
    Path config;

    @Option(names = "--check-config", description = "Check the configuration, print problems, exit non-zero if "
            + "there are any")
    boolean checkConfig;

    @Option(names = "--demo", description = "Create the demo zone example.com in the database if it has none")
    boolean demo;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    /** Gives the streams set on the {@link CommandLine}, so that tests can run the command in-process. */
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Logging.configure();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Logger logger = LoggerFactory.getLogger(Main.class);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TernConfig settings;
        try {
            ConfigLoader loader = new ConfigLoader();
            settings = config == null ? loader.load(overrides) : loader.load(config, overrides);
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                err.println(problem);
            }
            err.println("ternd: the configuration has " + e.problems().size() + " problem(s); not started");
            return EXIT_CONFIG;
        }
        Logging.apply(settings);
        for (String warning : settings.warnings()) {
            logger.warn(warning);
        }
        if (checkConfig) {
            out.println("ternd: configuration " + (config == null ? "(defaults)" : config.toString())
                    + " is valid" + (settings.warnings().isEmpty() ? "" : ", with "
                    + settings.warnings().size() + " warning(s)"));
            return 0;
        }
        Server server = new Server(settings);
        try {
            server.start(demo);
        } catch (RuntimeException e) {
            logger.error("ternd could not start: {}", e.getMessage());
            return EXIT_START;
        }
        logger.info("ternd {} started", Version.string());
        // quit on the control socket: a normal exit, through the shutdown hook below.
        server.onQuit(() -> System.exit(0));
        Hangup.reloadOn(server, new ConfigReread(config, overrides, settings));
        SystemdNotify.tell("READY=1\nSTATUS=serving " + server.zones().table().size() + " zones on port "
                + server.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("ternd stopping");
            SystemdNotify.tell("STOPPING=1");
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
