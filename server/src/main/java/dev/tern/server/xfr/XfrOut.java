package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import dev.tern.server.acl.Policies;
import dev.tern.server.acl.TransferAcl;
import dev.tern.server.log.LogRateLimit;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.query.ExpireOption;
import dev.tern.server.query.TcpResponse;
import dev.tern.server.query.TransferHandoff;
import dev.tern.server.query.TsigErrors;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneTable;

/**
 * The transfer-out side: checks a request (zone, TSIG, access, limits), then answers AXFR (RFC 5936) from one
 * snapshot, or IXFR (RFC 1995) from the zone's journaled history: one SOA when the client is up to date, the
 * condensed difference when the history reaches back to the client's serial, the whole zone AXFR-style otherwise.
 * A zone served with rows it cannot read is not transferred (SERVFAIL): the secondary keeps its whole copy rather
 * than take a shortened one under a serial that claims to be complete.
 * Runs on event loops; reads only immutable snapshots, histories and policies. A refusal is logged at most once a
 * minute per client and reason ({@link LogRateLimit}), so that a client retrying in a loop does not flood the log;
 * started and finished transfers are always logged.
 */
public final class XfrOut implements TransferHandoff {
    private static final Logger logger = LoggerFactory.getLogger(XfrOut.class);

    /** The limits on transfers running at once. */
    public record Limits(int total, int perClient) {
    }

    private final Supplier<ZoneTable> zones;
    private final Policies policies;
    private final TransferAcl acl;
    private final Limits limits;
    private final TernMetrics metrics;
    private final Clock clock;
    private final AtomicInteger running = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final LogRateLimit.Reason refusedLog;
    private final LogRateLimit.Reason notauthLog;
    private final LogRateLimit.Reason servfailLog;
    private final LogRateLimit.Reason brokenLog;
    private final LogRateLimit.Reason busyLog;
    private final LogRateLimit.Reason formerrLog;

    public XfrOut(Supplier<ZoneTable> zones, Policies policies, TransferAcl acl, Limits limits, TernMetrics metrics,
                  Clock clock) {
        this(zones, policies, acl, limits, metrics, clock, LogRateLimit.standard(clock, metrics.registry()));
    }

    /** @param logLimit the rate limit on the lines logged per refused request */
    public XfrOut(Supplier<ZoneTable> zones, Policies policies, TransferAcl acl, Limits limits, TernMetrics metrics,
                  Clock clock, LogRateLimit logLimit) {
        this.zones = requireNonNull(zones, "zones");
        this.policies = requireNonNull(policies, "policies");
        this.acl = requireNonNull(acl, "acl");
        this.limits = requireNonNull(limits, "limits");
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
        this.refusedLog = logLimit.reason("xfr_out_refused", "transfer refused", logger, Level.INFO);
        this.notauthLog = logLimit.reason("xfr_out_notauth", "transfer NOTAUTH", logger, Level.INFO);
        this.servfailLog = logLimit.reason("xfr_out_servfail", "transfer SERVFAIL", logger, Level.INFO);
        this.brokenLog = logLimit.reason("xfr_out_broken_rows", "transfer SERVFAIL for broken rows", logger,
                Level.WARN);
        this.busyLog = logLimit.reason("xfr_out_busy", "transfer REFUSED at the limit", logger, Level.WARN);
        this.formerrLog = logLimit.reason("xfr_out_formerr", "transfer FORMERR", logger, Level.INFO);
    }

    @Override
    public TcpResponse transfer(Message query, byte[] wire, InetSocketAddress client) {
        Record question = query.getQuestion();
        Name name = question.getName();
        String type = question.getType() == Type.IXFR ? "IXFR" : "AXFR";
        String from = client.getAddress().getHostAddress() + ":" + client.getPort();
        String label = "[" + name + "] " + type + "-out to " + from;
        InetAddress address = client.getAddress();
        Zone zone = zones.get().get(name);
        if (zone == null) {
            refusedLog.log(address, "{}: refused, not a zone of ours", label);
            metrics.transfer("out", type.toLowerCase(java.util.Locale.ROOT), "refused", 0, java.time.Duration.ZERO);
            return single(query, Rcode.REFUSED, null);
        }
        TSIG key = null;
        TSIGRecord signature = query.getTSIG();
        if (signature != null) {
            key = policies.keyring().get(signature.getName());
            if (key == null) {
                notauthLog.log(address, "{}: NOTAUTH, signed with key {}, which is not in the tsigkeys table", label,
                        signature.getName());
                return tsigRefused(query, Rcode.BADKEY, null, type);
            }
            int error = key.verify(query, wire, null);
            if (error != Rcode.NOERROR) {
                notauthLog.log(address, "{}: NOTAUTH, TSIG {} with key {}", label, Rcode.TSIGstring(error),
                        signature.getName());
                return tsigRefused(query, error, key, type);
            }
        }
        TransferAcl.Decision decision = acl.decide(policies.of(name), client.getAddress(),
                signature == null ? null : signature.getName());
        if (!decision.allowed()) {
            notauthLog.log(address, "{}: NOTAUTH, {}", label, decision.reason());
            return refused(query, Rcode.NOTAUTH, key, type);
        }
        ZoneSnapshot snapshot = zone.snapshot();
        if (snapshot == null || zone.isExpired()) {
            servfailLog.log(address, "{}: SERVFAIL, the zone has {}", label,
                    snapshot == null ? "no data yet" : "expired");
            return refused(query, Rcode.SERVFAIL, key, type);
        }
        if (!snapshot.brokenRows().isEmpty() && !(type.equals("IXFR") && upToDate(query, snapshot))) {
            // The snapshot lacks the rows it cannot read; sending it would hand the secondary a shortened zone
            // under a serial that claims to be whole. Refused: the secondary keeps its copy and retries.
            brokenLog.log(address, "{}: SERVFAIL, serial {} has {} stored row{} that cannot be read, and a"
                    + " transfer would send the zone without them; fix the row{} (ternctl zone check {}): {}", label,
                    snapshot.serial(), snapshot.brokenRows().size(), snapshot.brokenRows().size() == 1 ? "" : "s",
                    snapshot.brokenRows().size() == 1 ? "" : "s", name, String.join("; ",
                    snapshot.brokenRows()));
            return refused(query, Rcode.SERVFAIL, key, type);
        }
        if (!acquire(client.getAddress())) {
            busyLog.log(address, "{}: REFUSED, {} transfers are running ({} at most, {} per client); raise"
                    + " xfr-out-max-concurrent or xfr-out-max-per-client if secondaries queue up", label,
                    running.get(), limits.total(), limits.perClient());
            return refused(query, Rcode.REFUSED, key, type);
        }
        List<ZoneChange> history = zone.history();
        Iterator<Record> records;
        String kind;
        if (type.equals("IXFR")) {
            Long clientSerial = clientSerial(query);
            if (clientSerial == null) {
                release(client.getAddress());
                formerrLog.log(address, "{}: FORMERR, no SOA in the authority section", label);
                return refused(query, Rcode.FORMERR, key, type);
            }
            IxfrAnswer answer = IxfrAnswer.of(snapshot, history, clientSerial);
            records = answer.records();
            kind = answer.kind();
            label = label + " (" + kind + ", client serial " + clientSerial + ")";
        } else {
            records = AxfrRecords.of(snapshot);
            kind = "axfr";
        }
        String metricType = kind.equals("ixfr") || kind.equals("up-to-date") ? "ixfr" : "axfr";
        logger.info("{}: started, serial {}, {}", label, snapshot.serial(), decision.reason());
        long expire = ExpireOption.requested(query.getOPT()) ? zone.expireSeconds(clock.instant()) : -1;
        return new TcpResponse.Stream(new OutgoingTransfer(query, records, key, label, snapshot.serial(), expire,
                clock,
                outcome -> {
                    release(address);
                    metrics.transfer("out", metricType, outcome.finished() ? "success" : "abandoned",
                            outcome.bytes(), outcome.elapsed());
                }));
    }

    /** Transfers running now (for status). */
    public int running() {
        return running.get();
    }

    private boolean acquire(InetAddress client) {
        if (running.incrementAndGet() > limits.total()) {
            running.decrementAndGet();
            return false;
        }
        AtomicInteger count = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        if (count.incrementAndGet() > limits.perClient()) {
            count.decrementAndGet();
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    private void release(InetAddress client) {
        running.decrementAndGet();
        perClient.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Whether an IXFR's client holds our serial already, so the answer is one SOA and no zone data. */
    private static boolean upToDate(Message query, ZoneSnapshot snapshot) {
        Long serial = clientSerial(query);
        return serial != null && serial == snapshot.serial();
    }

    /** RFC 1995 3: the client's serial is the SOA in the authority section. */
    private static Long clientSerial(Message query) {
        for (Record record : query.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord) {
                return ((SOARecord) record).getSerial();
            }
        }
        return null;
    }

    private TcpResponse refused(Message query, int rcode, TSIG key, String type) {
        metrics.transfer("out", type.toLowerCase(java.util.Locale.ROOT), "refused", 0, java.time.Duration.ZERO);
        return single(query, rcode, key);
    }

    /** NOTAUTH for a transfer request whose signature failed, with the TSIG error (RFC 8945 5.2). */
    private TcpResponse tsigRefused(Message query, int error, TSIG key, String type) {
        metrics.transfer("out", type.toLowerCase(java.util.Locale.ROOT), "refused", 0, java.time.Duration.ZERO);
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(query.getHeader().getOpcode());
        response.getHeader().setRcode(Rcode.NOTAUTH);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        TsigErrors.report(response, query, error, key);
        return new TcpResponse.Single(response.toWire());
    }

    private static TcpResponse single(Message query, int rcode, TSIG key) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(query.getHeader().getOpcode());
        response.getHeader().setRcode(rcode);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        if (key != null) {
            key.apply(response, query.getTSIG());
        }
        return new TcpResponse.Single(response.toWire());
    }
}
