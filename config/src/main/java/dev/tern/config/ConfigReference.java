package dev.tern.config;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders the configuration reference, {@code docs/configuration.md}, from {@link Settings#all()}: the file syntax,
 * then one section per setting. {@code ConfigReferenceTest} keeps the file in step with this output.
 */
public final class ConfigReference {
    private static final String NL = "\n";
    /**
     * What an operator must know beyond the one-line description: how the setting behaves today. Remove a note
     * when the code it describes changes.
     */
    private static final Map<String, String> NOTES = Map.of(
            "sql-poll-interval", "A zone counts as changed when its apex SOA row changes: after editing records"
                    + " with other tools, raise the serial (`pdnsutil increase-serial ZONE`), or run `ternctl reload`.",
            "query-local-address", "Used for the SOA queries and transfers of secondary zones; a zone's"
                    + " `AXFR-SOURCE` metadata overrides it.",
            "allow-notify-from", "Differs from PowerDNS, where this setting filters every NOTIFY: in Tern a"
                    + " zone's own primaries are always accepted, and these addresses in addition.",
            "version-string", "`dig @SERVER version.bind CH TXT` (or `version.server`, or PowerDNS's `version.pdns`)"
                    + " gets one TXT record, class CH, TTL 5, AA set: `full` answers `Tern` and the version that"
                    + " `ternd --version` prints, `powerdns` answers `Served by Tern`, any other text is sent as"
                    + " written. `anonymous` answers SERVFAIL with no record, as PowerDNS does. Other names and types"
                    + " of class CH are REFUSED.",
            "server-id", "`dig @SERVER id.server CH TXT` (or `hostname.bind`) gets one TXT record with this text,"
                    + " class CH, TTL 5, AA set; a query with an empty EDNS NSID option (`dig +nsid`) gets it as"
                    + " the NSID of any answer (RFC 5001). The host name is read once, at start. With `disabled`,"
                    + " `id.server` and `hostname.bind` are REFUSED, as PowerDNS does, and no answer carries an NSID.",
            "max-tcp-connections", "Knot's `tcp-max-clients` (default: half the file-descriptor limit) and NSD's"
                    + " `tcp-count` (100 per server process) are the equivalents; NSD with `tcp-reject-overflow: yes`"
                    + " closes the extra connections as Tern does, by default it leaves them in the kernel's queue.",
            "max-tcp-connections-per-client", "Keeps one client from holding every slot of `max-tcp-connections`:"
                    + " with the defaults, ten addresses are needed to fill them. IPv6 clients are counted per /64,"
                    + " since one host commonly holds a whole /64 (PowerDNS counts per address and defaults to 0,"
                    + " no limit; Knot and NSD have no such limit). Closures are logged at most once a minute, with"
                    + " counts.",
            "tcp-idle-timeout", "Counted between reads: each byte received restarts it, so on its own it cannot"
                    + " stop a client that sends one byte every few seconds (`tcp-message-timeout` does). Tern also"
                    + " stops reading a client that does not read its answers (once 64 KiB of answers wait in"
                    + " memory), so such a client is closed after this timeout too. Knot's `tcp-idle-timeout` (default"
                    + " 10 s) and NSD's `tcp-timeout` (default 120 s, which also bounds transfers) are the"
                    + " equivalents; PowerDNS's default is 5 s, as here. An outgoing transfer is bounded by"
                    + " `xfr-out-write-timeout` instead.",
            "tcp-message-timeout", "Stops slow-send (slowloris) clients, which trickle a message so that"
                    + " `tcp-idle-timeout` never fires. The default leaves a message on a new connection room for one"
                    + " lost segment (RFC 6298 starts retransmission at 1 s); almost every query fits in one segment."
                    + " Knot's `tcp-io-timeout` (default 500 ms, for receiving or sending one message) is the"
                    + " equivalent; NSD has only `tcp-timeout`. While Tern itself has stopped reading (an outgoing"
                    + " transfer, or answers the client has not read), the clock does not run against the client.");

    private ConfigReference() {
    }

    /** Prints the reference to standard output. */
    public static void main(String[] args) {
        System.out.print(render());
    }

    /** The whole reference as Markdown, with {@code \n} line ends. */
    public static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference").append(NL).append(NL);
        lines(out,
                "<!-- Generated from Settings.java by ConfigReference; do not edit by hand. Regenerate with:",
                "     ./mvnw -q -B -pl config test -Dtest=ConfigReferenceTest -Dtern.docs.regenerate=true -->",
                "");
        syntax(out);
        summary(out, Settings.all());
        for (Setting<?> setting : Settings.all()) {
            section(out, setting);
        }
        powerDns(out);
        return out.toString();
    }

    private static void syntax(StringBuilder out) {
        lines(out,
                "`ternd` reads one file, given with `--config=FILE` (without it, every setting keeps its default).",
                "The syntax is that of PowerDNS's `pdns.conf`:",
                "",
                "- one `key=value` per line; spaces around the key and the value are ignored;",
                "- `#` starts a comment, anywhere on a line (so no value can contain `#`);",
                "- a line ending in a backslash `\\` continues on the next line (the two are joined as they are);",
                "- `key+=value` appends to a list setting: it adds `, value` to what an earlier line set (not to the",
                "  default; with no earlier line it just sets the value);",
                "- a later line for the same key replaces the earlier one;",
                "- on the command line, `ternd --key=value` sets any setting and overrides the file;",
                "- an unknown key is an error, with the closest known key suggested: `tern.conf:3: unknown setting",
                "  'local-adress' (did you mean 'local-address'?)`;",
                "- a PowerDNS key that Tern does not implement (listed at the end of this page) is a warning: the line",
                "  is ignored and `ternd` starts.",
                "",
                "Every problem is reported, not only the first, as `file:line: what is wrong (expected: ...)`, and",
                "`ternd` exits with status 2 without starting. `ternd --config=FILE --check-config` checks a file the",
                "same way and exits 0 when it is valid.",
                "");
    }

    private static void summary(StringBuilder out, List<Setting<?>> settings) {
        lines(out, "## Settings", "", "| setting | default | values |", "|---|---|---|");
        for (Setting<?> setting : settings) {
            out.append("| [`").append(setting.name()).append("`](#").append(setting.name()).append(") | ")
                    .append(cell(defaultText(setting))).append(" | ").append(cell(values(setting))).append(" |")
                    .append(NL);
        }
        out.append(NL);
    }

    private static void section(StringBuilder out, Setting<?> setting) {
        lines(out, "### " + setting.name(), "", sentence(setting.description()), "");
        String note = NOTES.get(setting.name());
        if (note != null) {
            lines(out, note, "");
        }
        lines(out,
                "- Type: " + typeName(setting.type()),
                "- Values: " + values(setting),
                "- Default: " + defaultText(setting),
                "");
    }

    private static void powerDns(StringBuilder out) {
        lines(out,
                "## PowerDNS settings that Tern ignores",
                "",
                "These keys of `pdns.conf` are accepted so that a PowerDNS file can be carried over, but Tern does",
                "not implement them: each line is logged as a warning and ignored. Any other unknown key is an error.",
                "");
        StringBuilder line = new StringBuilder();
        for (String name : new TreeSet<>(PowerDnsSettings.NOT_IMPLEMENTED)) {
            String item = "`" + name + "`";
            if (line.length() > 0 && line.length() + item.length() + 2 > 110) {
                out.append(line).append(',').append(NL);
                line.setLength(0);
            } else if (line.length() > 0) {
                line.append(", ");
            }
            line.append(item);
        }
        out.append(line).append('.').append(NL);
    }

    private static String typeName(SettingType type) {
        switch (type) {
            case INTEGER:
                return "integer";
            case BOOLEAN:
                return "boolean";
            case ADDRESS_LIST:
                return "list of IP addresses";
            case LIST:
                return "list";
            default:
                return "string";
        }
    }

    private static String values(Setting<?> setting) {
        if (setting == Settings.LAUNCH) {
            return "`gsqlite3` (the only backend)";
        }
        return setting.expected();
    }

    private static String defaultText(Setting<?> setting) {
        return setting.defaultText().isEmpty() ? "empty" : "`" + setting.defaultText() + "`";
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static void lines(StringBuilder out, String... lines) {
        for (String line : lines) {
            out.append(line).append(NL);
        }
    }
}
