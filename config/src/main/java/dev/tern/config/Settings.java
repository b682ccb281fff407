package dev.tern.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting Tern knows, in one place: name, type, default and description. The configuration reference in
 * {@code docs/} is generated from this list, and the parser accepts nothing else.
 */
public final class Settings {
    private static final Map<String, Setting<?>> BY_NAME = new LinkedHashMap<>();

    // Listening
    public static final Setting<List<InetAddress>> LOCAL_ADDRESS = addressList("local-address", "127.0.0.1, ::1",
            "Addresses to answer DNS queries on, IPv4 and IPv6; 0.0.0.0 and :: mean every address of the host");
    public static final Setting<Integer> LOCAL_PORT = integer("local-port", "53", 0, 65535,
            "Port to answer DNS queries on, UDP and TCP");
    public static final Setting<Integer> UDP_TRUNCATION_THRESHOLD = integer("udp-truncation-threshold", "1232",
            512, 65535, "Largest UDP answer sent; larger answers are truncated (TC) so the client retries over TCP");
    public static final Setting<Integer> RECEIVER_THREADS = integer("receiver-threads", "0", 0, 256,
            "Event-loop threads, each with its own UDP socket (SO_REUSEPORT); 0 means one per CPU core");
    public static final Setting<Integer> TCP_MSS = integer("tcp-mss", "1220", 0, 65535,
            "TCP_MAXSEG on the TCP listeners, so segments cross tunnels with a small MTU; 0 leaves it to the kernel");
    public static final Setting<Integer> MAX_TCP_CONNECTIONS = integer("max-tcp-connections", "200", 1, 1_000_000,
            "Most TCP connections open at once; further connections are closed at once");
    public static final Setting<Integer> MAX_TCP_CONNECTIONS_PER_CLIENT = integer("max-tcp-connections-per-client",
            "20", 0, 1_000_000, "Most TCP connections open at once from one IPv4 address or one IPv6 /64; further"
                    + " connections from there are closed at once; 0 means no limit per client");
    public static final Setting<Integer> TCP_IDLE_TIMEOUT = integer("tcp-idle-timeout", "5", 1, 3600,
            "Seconds a TCP connection may stay silent before it is closed");
    public static final Setting<Integer> TCP_MESSAGE_TIMEOUT = integer("tcp-message-timeout", "2", 1, 3600,
            "Seconds a DNS message sent over TCP may take to arrive whole, counted from its first byte (the length"
                    + " prefix); a connection whose message is late is closed");
    public static final Setting<List<InetAddress>> QUERY_LOCAL_ADDRESS = addressList("query-local-address", "",
            "Source addresses for outgoing queries and transfers (one IPv4, one IPv6); empty lets the kernel choose");

    // Identity
    public static final Setting<String> VERSION_STRING = string("version-string", "full",
            "Answer to CH TXT version.bind and version.server: full (Tern and its version), powerdns (Tern without"
                    + " the version), anonymous (SERVFAIL), or any other text, sent as written");
    public static final Setting<String> SERVER_ID = string("server-id", "",
            "Answer to CH TXT id.server and hostname.bind, and the EDNS NSID (RFC 5001); empty means the host name,"
                    + " disabled turns all three off");

    // Storage
    public static final Setting<String> LAUNCH = string("launch", "gsqlite3",
            "Backend to serve from; Tern speaks gsqlite3 (PowerDNS's SQLite schema)");
    public static final Setting<String> GSQLITE3_DATABASE = string("gsqlite3-database", "/var/lib/tern/tern.sqlite3",
            "SQLite database file in PowerDNS's gsqlite3 schema; created with that schema when missing");
    public static final Setting<Integer> GSQLITE3_BUSY_TIMEOUT = integer("gsqlite3-busy-timeout", "5000", 0, 600_000,
            "Milliseconds a database write waits for another writer before it fails");
    public static final Setting<Integer> DEFAULT_TTL = integer("default-ttl", "3600", 0, Integer.MAX_VALUE,
            "TTL used for records whose ttl column is empty");
    public static final Setting<Integer> SQL_POLL_INTERVAL = integer("sql-poll-interval", "5", 0, 86_400,
            "Seconds between checks of the database for zones added, removed or changed by other tools; 0 = never");

    // Secondary
    public static final Setting<Boolean> SECONDARY = bool("secondary", "no",
            "Act as a secondary: keep SLAVE zones fresh from their primaries (SOA checks, NOTIFY, AXFR/IXFR)");
    public static final Setting<List<Netmask>> ALLOW_NOTIFY_FROM = netmaskList("allow-notify-from", "",
            "Besides a zone's own primaries, addresses whose NOTIFY is accepted (signed when the zone has a TSIG key)");
    public static final Setting<Integer> XFR_TCP_MSS = integer("xfr-tcp-mss", "1220", 0, 65535,
            "TCP_MAXSEG advertised on incoming-transfer connections, set before connect; 0 leaves it to the kernel");
    public static final Setting<Boolean> XFR_AUTO_MSS = bool("xfr-auto-mss", "yes",
            "Retry a transfer that stalls after data began to flow at once with a smaller MSS (1220, then 536)");
    public static final Setting<Integer> XFR_STALL_TIMEOUT = integer("xfr-stall-timeout", "3", 1, 600,
            "Seconds without progress, once transfer data began to flow, before the transfer counts as stalled");
    public static final Setting<Integer> AXFR_FETCH_TIMEOUT = integer("axfr-fetch-timeout", "10", 1, 3600,
            "Seconds to wait for a TCP connection, and for the first byte of a transfer answer");
    public static final Setting<Integer> XFR_DEADLINE = integer("xfr-deadline", "3600", 1, 86_400,
            "Seconds a whole incoming transfer may take before it is abandoned");
    public static final Setting<Integer> XFR_MAX_RECEIVED_MBYTES = integer("xfr-max-received-mbytes", "100", 0,
            1_000_000, "Largest incoming transfer in MiB; 0 means no limit");
    public static final Setting<Integer> SOA_QUERY_TIMEOUT = integer("soa-query-timeout", "3", 1, 60,
            "Seconds to wait for a primary's answer to the SOA query of a refresh");
    public static final Setting<Integer> MIN_REFRESH_INTERVAL = integer("min-refresh-interval", "2", 1, 86_400,
            "Lower bound, in seconds, on the SOA refresh interval of secondary zones");
    public static final Setting<Integer> MAX_REFRESH_INTERVAL = integer("max-refresh-interval", "86400", 1,
            2_419_200, "Upper bound, in seconds, on the SOA refresh interval of secondary zones");
    public static final Setting<Integer> MIN_RETRY_INTERVAL = integer("min-retry-interval", "2", 1, 86_400,
            "Lower bound, in seconds, on the retry interval after a failed refresh");
    public static final Setting<Integer> MAX_RETRY_INTERVAL = integer("max-retry-interval", "3600", 1, 2_419_200,
            "Upper bound, in seconds, on the retry interval after failed refreshes, backoff included");

    // Primary
    public static final Setting<Boolean> PRIMARY = bool("primary", "no",
            "Act as a primary: send NOTIFY to the secondaries of MASTER zones when their serial goes up");
    public static final Setting<List<InetSocketAddress>> ALSO_NOTIFY = socketList("also-notify", "",
            "Besides the zone's NS hosts, addresses (ip or ip:port) every NOTIFY of a primary zone also goes to");
    public static final Setting<List<Netmask>> ONLY_NOTIFY = netmaskList("only-notify", "0.0.0.0/0, ::/0",
            "NOTIFY goes only to NS-host addresses in these ranges; empty means no NS-host NOTIFY at all");
    public static final Setting<Boolean> SECONDARY_DO_RENOTIFY = bool("secondary-do-renotify", "no",
            "After a secondary zone is transferred, NOTIFY its own secondaries as a primary would");
    public static final Setting<Integer> NOTIFY_TRIES = integer("notify-tries", "5", 1, 100,
            "NOTIFY messages sent to one target before it is given up (waits 2, 4, 8 ... s between tries)");
    public static final Setting<Boolean> DISABLE_AXFR = bool("disable-axfr", "no",
            "Refuse every AXFR and IXFR request (NOTAUTH)");
    public static final Setting<List<Netmask>> ALLOW_AXFR_IPS = netmaskList("allow-axfr-ips", "127.0.0.0/8, ::1",
            "Addresses allowed to transfer every zone; per zone, ALLOW-AXFR-FROM and TSIG-ALLOW-AXFR metadata add more");
    public static final Setting<Integer> XFR_OUT_MAX_CONCURRENT = integer("xfr-out-max-concurrent", "10", 1, 10_000,
            "Most outgoing transfers at once; further requests are REFUSED until one ends");
    public static final Setting<Integer> XFR_OUT_MAX_PER_CLIENT = integer("xfr-out-max-per-client", "2", 1, 10_000,
            "Most outgoing transfers at once to one client address");
    public static final Setting<Integer> XFR_OUT_WRITE_TIMEOUT = integer("xfr-out-write-timeout", "10", 1, 3600,
            "Seconds an outgoing transfer may wait for the client to read before it is abandoned and logged");
    public static final Setting<Integer> JOURNAL_MAX_DEPTH = integer("journal-max-depth", "100", 1, 100_000,
            "Changes kept per zone in the tern_journal table for IXFR-out; older ones are pruned");
    public static final Setting<Integer> JOURNAL_MAX_KBYTES = integer("journal-max-kbytes", "10240", 1, 10_000_000,
            "Record text kept per zone in the journal, in KiB; older changes are pruned (the newest is always kept)");

    // Metrics
    public static final Setting<Boolean> WEBSERVER = bool("webserver", "no",
            "Serve Prometheus metrics over HTTP at /metrics on webserver-address:webserver-port");
    public static final Setting<List<InetAddress>> WEBSERVER_ADDRESS = addressList("webserver-address", "127.0.0.1",
            "Address of the metrics endpoint (one IP address)");
    public static final Setting<Integer> WEBSERVER_PORT = integer("webserver-port", "8081", 0, 65535,
            "Port of the metrics endpoint; 0 picks a free one");

    // Logging
    public static final Setting<String> LOG_LEVEL = choice("log-level", "info",
            List.of("error", "warn", "info", "debug", "trace"),
            "Least severe log messages written; ternctl set log-level changes it while ternd runs");
    public static final Setting<String> LOG_FORMAT = choice("log-format", "text", List.of("text", "json"),
            "Log lines as text (timestamped unless the systemd journal adds the time) or as one JSON object each");

    // Control
    public static final Setting<String> SOCKET_DIR = string("socket-dir", "/run/tern",
            "Directory of the control socket");
    public static final Setting<String> CONTROL_SOCKET_NAME = string("control-socket-name", "ternd.controlsocket",
            "File name of the control socket in socket-dir; pdns.controlsocket lets pdns_control --socket-dir find it");
    public static final Setting<String> CONTROL_SOCKET_GROUP = string("control-socket-group", "",
            "Group that owns the control socket (mode 0660), so its members may run ternctl; empty keeps ours");
    public static final Setting<Integer> CONTROL_SOCKET_TIMEOUT = integer("control-socket-timeout", "5", 1, 3600,
            "Seconds a control client has to send its command line, and again to read the reply; then it is closed");

    private Settings() {
    }

    /** Every setting, in the order of this file. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
    }

    /** The setting with this name, if Tern has one. */
    public static Optional<Setting<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static <T> Setting<T> register(Setting<T> setting) {
        if (BY_NAME.putIfAbsent(setting.name(), setting) != null) {
            throw new IllegalStateException("setting defined twice: " + setting.name());
        }
        return setting;
    }

    private static Setting<String> string(String name, String def, String description) {
        return register(new Setting<>(name, SettingType.STRING, def, 0, 0, List.of(), description, String.class));
    }

    private static Setting<Integer> integer(String name, String def, long min, long max, String description) {
        return register(new Setting<>(name, SettingType.INTEGER, def, min, max, List.of(), description,
                Integer.class));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Setting<List<InetAddress>> addressList(String name, String def, String description) {
        return register(new Setting(name, SettingType.ADDRESS_LIST, def, 0, 0, List.of(), description, List.class));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Setting<List<Netmask>> netmaskList(String name, String def, String description) {
        return register(new Setting(name, SettingType.NETMASK_LIST, def, 0, 0, List.of(), description, List.class));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Setting<List<InetSocketAddress>> socketList(String name, String def, String description) {
        return register(new Setting(name, SettingType.SOCKET_LIST, def, 0, 0, List.of(), description, List.class));
    }

    private static Setting<String> choice(String name, String def, List<String> choices, String description) {
        return register(new Setting<>(name, SettingType.STRING, def, 0, 0, choices, description, String.class));
    }

    private static Setting<Boolean> bool(String name, String def, String description) {
        return register(new Setting<>(name, SettingType.BOOLEAN, def, 0, 0, List.of(), description, Boolean.class));
    }
}
