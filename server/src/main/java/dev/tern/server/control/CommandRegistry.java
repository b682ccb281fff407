package dev.tern.server.control;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.control.protocol.ControlRequest;

/**
 * The commands the control socket knows, by upper-case word, with a usage line each for {@code help}. Unknown
 * commands get PowerDNS's reply text, so {@code pdns_control} exits 1 on them as it does with PowerDNS.
 */
public final class CommandRegistry {
    private static final Logger logger = LoggerFactory.getLogger(CommandRegistry.class);

    private record Entry(String usage, String description, Command command) {
    }

    private final Map<String, Entry> commands = new TreeMap<>();

    public CommandRegistry add(String usage, String description, Command command) {
        String word = usage.split(" ")[0].toUpperCase(java.util.Locale.ROOT);
        commands.put(word, new Entry(usage, description, command));
        return this;
    }

    /** Runs a request; a failing command still gets a reply that says what failed. */
    public String execute(ControlRequest request) {
        if (request.command().isEmpty()) {
            return "Empty line";
        }
        Entry entry = commands.get(request.command());
        if (entry == null) {
            return "Unknown command: '" + request.command() + "'";
        }
        try {
            return entry.command().run(request.args());
        } catch (Exception e) {
            String problem = dev.tern.server.zone.Problems.describe(e);
            logger.error("control command '{}' failed: {}", request.line(), problem);
            logger.debug("control command failure", e);
            return "Error: " + request.command().toLowerCase(java.util.Locale.ROOT) + " failed: " + problem;
        }
    }

    /** The {@code help} text: usage padded to 32 columns, then the description, as PowerDNS lays it out. */
    public String help() {
        StringBuilder text = new StringBuilder();
        for (Entry entry : commands.values()) {
            text.append(String.format("%-32s%s%n", entry.usage(), entry.description()));
        }
        return text.toString();
    }

    public List<String> words() {
        return List.copyOf(commands.keySet());
    }
}
