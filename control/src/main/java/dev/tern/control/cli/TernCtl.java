package dev.tern.control.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.tern.config.ConfigLoader;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;
import dev.tern.control.protocol.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ternctl}: drives a running ternd through its control socket. */
@Command(name = "ternctl", mixinStandardHelpOptions = true, version = "ternctl",
        description = "Drive a running ternd through its control socket.",
        subcommands = {TernCtl.Rping.class, TernCtl.Version.class, TernCtl.Uptime.class, TernCtl.ListZones.class,
                TernCtl.Retrieve.class, TernCtl.Notify.class, TernCtl.ZoneStatus.class, TernCtl.Reload.class,
                TernCtl.XfrQueue.class, TernCtl.Show.class, TernCtl.CurrentConfig.class, TernCtl.Set.class,
                TernCtl.Quit.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (transferred or up to date)", "1:the daemon ran the command and it failed",
                "2:usage error", "3:ternd is not running (no answer on the control socket)",
                "4:no outcome within the timeout", "5:refused (unknown zone, not a secondary, secondary=no)",
                "6:no permission to use the control socket"})
public final class TernCtl {
    @Option(names = "--socket", paramLabel = "PATH", description = "The control socket (default: from --config,"
            + " else /run/tern/ternd.controlsocket)")
    Path socket;

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's tern.conf, to find its socket")
    Path config;

    @Option(names = "--json", description = "Print the result as JSON, for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs ternctl; returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new TernCtl()).execute(args);
    }

    /** The daemon's settings: its tern.conf from {@code --config}, or the defaults. */
    public TernConfig settings() {
        return config == null ? TernConfig.defaults() : new ConfigLoader().load(config, List.of());
    }

    Path socketPath() {
        if (socket != null) {
            return socket;
        }
        TernConfig settings = settings();
        return Path.of(settings.get(Settings.SOCKET_DIR)).resolve(settings.get(Settings.CONTROL_SOCKET_NAME));
    }

    /**
     * Sends one line to the daemon if it runs, for commands that work without it (zone edits ask it to reload).
     *
     * @return the reply, or null when no daemon answers on the socket
     */
    public String tellDaemon(String line) {
        try {
            return new ControlClient(socketPath()).send(line, Duration.ofSeconds(30));
        } catch (ControlClient.NotRunningException e) {
            return null;
        } catch (IOException e) {
            return "Error: " + e.getMessage();
        }
    }

    /** Sends a line and prints the reply; maps the daemon's absence and timeouts to their exit codes. */
    int call(String line, Duration timeout, ReplyPrinter printer) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlClient client = new ControlClient(socketPath());
        String reply;
        try {
            reply = client.send(line, timeout);
        } catch (ControlClient.NotRunningException e) {
            err.println("ternctl: " + e.getMessage());
            return ExitCodes.NOT_RUNNING;
        } catch (ControlClient.AccessDeniedException e) {
            err.println("ternctl: " + e.getMessage());
            return ExitCodes.NO_ACCESS;
        } catch (ControlClient.TimeoutException e) {
            err.println("ternctl: " + e.getMessage());
            return ExitCodes.TIMEOUT;
        } catch (IOException e) {
            err.println("ternctl: " + client.socket() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        return printer.print(reply, out, err);
    }

    /** Prints a reply and decides the exit code. */
    @FunctionalInterface
    interface ReplyPrinter {
        int print(String reply, PrintWriter out, PrintWriter err);
    }

    /** Plain replies: printed as they are; "Unknown" and "Error:" replies are failures. */
    int plain(String line) {
        return call(line, Duration.ofSeconds(10), (reply, out, err) -> {
            boolean failed = reply.startsWith("Unknown") || reply.startsWith("Error:") || reply.startsWith(" Zone");
            if (json) {
                out.println("{\"ok\":" + !failed + ",\"reply\":" + Json.string(reply) + "}");
            } else {
                (failed ? err : out).println(reply);
            }
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        });
    }

    @Command(name = "rping", mixinStandardHelpOptions = true, description = "Check that ternd answers (PONG).")
    static final class Rping implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Override
        public Integer call() {
            return parent.plain("rping");
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the daemon's version.")
    static final class Version implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Override
        public Integer call() {
            return parent.plain("version");
        }
    }

    @Command(name = "uptime", mixinStandardHelpOptions = true, description = "Print how long ternd has run.")
    static final class Uptime implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Override
        public Integer call() {
            return parent.plain("uptime");
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Re-read the zone list and changed zones (or one zone) from the database now.")
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(arity = "0..1", paramLabel = "ZONE")
        String zone;

        @Override
        public Integer call() {
            return parent.plain(zone == null ? "reload" : "reload " + zone);
        }
    }

    @Command(name = "xfr-queue", mixinStandardHelpOptions = true,
            description = "Refreshes due and waiting for their turn: ZONE. IP per line.")
    static final class XfrQueue implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Override
        public Integer call() {
            return parent.plain("xfr-queue");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print counters: all (*), those starting with a prefix (PREFIX*), or one by name.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(arity = "0..1", paramLabel = "NAME", defaultValue = "*")
        String name;

        @Override
        public Integer call() {
            return parent.plain("show " + name);
        }
    }

    @Command(name = "current-config", mixinStandardHelpOptions = true,
            description = "Print the running configuration; with 'diff', only what differs from the defaults.")
    static final class CurrentConfig implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(arity = "0..1", paramLabel = "diff")
        String diff;

        @Override
        public Integer call() {
            return parent.plain(diff == null ? "current-config" : "current-config " + diff);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a setting at run time (log-level error|warn|info|debug).")
    static final class Set implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        public Integer call() {
            return parent.plain("set " + name + " " + value);
        }
    }

    @Command(name = "quit", mixinStandardHelpOptions = true, description = "Stop ternd.")
    static final class Quit implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Override
        public Integer call() {
            return parent.plain("quit");
        }
    }

    @Command(name = "list-zones", mixinStandardHelpOptions = true, description = "List the zones served.")
    static final class ListZones implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(arity = "0..1", paramLabel = "KIND", description = "primary, secondary or native")
        String kind;

        @Override
        public Integer call() {
            return parent.plain(kind == null ? "list-zones" : "list-zones " + kind);
        }
    }

    @Command(name = "zone-status", mixinStandardHelpOptions = true,
            description = "Serials, timers, last check and last outcome of one zone or all.")
    static final class ZoneStatus implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(arity = "0..1", paramLabel = "ZONE")
        String zone;

        @Override
        public Integer call() {
            return parent.plain(zone == null ? "zone-status" : "zone-status " + zone);
        }
    }

    @Command(name = "retrieve", mixinStandardHelpOptions = true,
            description = "Refresh a secondary zone from its primaries now; waits for the outcome unless --no-wait.")
    static final class Retrieve implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(index = "0", paramLabel = "ZONE")
        String zone;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PRIMARY", description = "ip or ip:port to try first")
        String primary;

        @Option(names = "--no-wait", description = "Return at once, as pdns_control retrieve does")
        boolean noWait;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for the outcome (default: ${DEFAULT-VALUE})")
        int timeout;

        @Override
        public Integer call() {
            List<String> words = new ArrayList<>(List.of(noWait ? "retrieve" : "retrieve-wait", zone));
            if (primary != null) {
                words.add(primary);
            }
            if (noWait) {
                return parent.plain(String.join(" ", words));
            }
            words.add(Integer.toString(timeout));
            return parent.call(String.join(" ", words), Duration.ofSeconds(timeout + 10L),
                    (reply, out, err) -> Outcome.print(reply, parent.json, out, err));
        }
    }

    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = "Send NOTIFY for a zone to its secondaries now; waits for every target's answer unless"
                    + " --no-wait.")
    static final class Notify implements Callable<Integer> {
        @ParentCommand
        TernCtl parent;

        @Parameters(index = "0", paramLabel = "ZONE")
        String zone;

        @Option(names = "--host", paramLabel = "IP[:PORT]", description = "Notify only this address (notify-host)")
        String host;

        @Option(names = "--no-wait", description = "Return at once, as pdns_control notify does")
        boolean noWait;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for the outcome (default: ${DEFAULT-VALUE})")
        int timeout;

        @Override
        public Integer call() {
            if (host != null) {
                return parent.plain("notify-host " + zone + " " + host);
            }
            if (noWait) {
                return parent.plain("notify " + zone);
            }
            return parent.call("notify-wait " + zone + " " + timeout, Duration.ofSeconds(timeout + 10L),
                    (reply, out, err) -> Outcome.print(reply, parent.json, out, err));
        }
    }
}
