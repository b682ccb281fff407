package dev.tern.config;

import java.util.Set;

/**
 * Names of PowerDNS Authoritative settings that Tern does not implement. A {@code pdns.conf} carried over with such a
 * line still loads: the line is reported as a warning, never silently taken to mean something.
 */
final class PowerDnsSettings {
    static final Set<String> NOT_IMPLEMENTED = Set.of(
            "8bit-dns", "allow-dnsupdate-from", "allow-unsigned-autoprimary",
            "allow-unsigned-notify", "allow-unsigned-supermaster", "any-to-tcp", "api", "api-key",
            "autosecondary", "axfr-lower-serial", "cache-ttl", "carbon-server", "chroot",
            "config-dir", "config-name", "consistent-backends", "control-console", "daemon", "default-api-rectify",
            "default-ksk-algorithm", "default-soa-content", "default-soa-edit", "default-zsk-algorithm",
            "direct-dnskey", "disable-axfr-rectify", "disable-syslog", "distributor-threads",
            "dnsupdate", "edns-cookie-secret", "edns-subnet-processing", "enable-lua-records", "entropy-source",
            "expand-alias", "forward-dnsupdate", "forward-notify", "guardian", "gsqlite3-dnssec",
            "gsqlite3-pragma-foreign-keys", "gsqlite3-pragma-journal-mode", "gsqlite3-pragma-synchronous",
            "include-dir", "load-modules", "local-address-nonexist-fail", "log-dns-details", "log-dns-queries",
            "log-timestamp", "logging-facility", "loglevel", "lua-axfr-script", "master", "max-cache-entries",
            "max-ent-entries", "max-generate-steps", "max-nsec3-iterations", "max-packet-cache-entries",
            "max-queue-length", "max-signature-cache-entries", "max-tcp-connection-duration",
            "max-tcp-transactions-per-conn", "negquery-cache-ttl",
            "non-local-bind", "outgoing-axfr-expand-alias", "overload-queue-length",
            "query-cache-ttl", "query-logging", "resolver", "retrieval-threads", "reuseport", "secondary-check-signature-freshness", "security-poll-suffix",
            "send-signed-notify", "setgid", "setuid", "signing-threads", "slave",
            "slave-cycle-interval", "slave-renotify", "socket-dir-mode", "superslave", "tcp-control-address",
            "tcp-control-port", "tcp-control-range", "tcp-control-secret", "tcp-fast-open", "traceback-handler",
            "trusted-notification-proxy", "udp-truncation-threshold-v6",
            "webserver-allow-from", "webserver-password", "write-pid",
            "xfr-cycle-interval", "zone-cache-refresh-interval",
            "zone-metadata-cache-ttl");

    private PowerDnsSettings() {
    }
}
