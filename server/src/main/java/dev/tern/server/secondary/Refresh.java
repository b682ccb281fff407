package dev.tern.server.secondary;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.store.StoreException;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.TransferRequest;
import dev.tern.server.xfr.TransferResult;
import dev.tern.server.xfr.TransferResult.Failure;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.Problems;
import dev.tern.server.zone.ZoneCheckException;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * The refresh procedure of one secondary zone: for each primary in order (the NOTIFY sender first), ask the SOA;
 * when the serial is newer (RFC 1982), transfer by IXFR when we hold a serial, falling back to AXFR when the
 * primary answers AXFR-style, NOTIMP, REFUSED, FORMERR, or with changes that do not fit our data; AXFR otherwise.
 * A transfer that stalls after data began to flow is retried at once with a smaller MSS. What is transferred is
 * written in one transaction, with the journal entry and the state its outcome leads to; a whole zone is written
 * batch by batch while it arrives ({@link ReplacementSink}), so memory holds a batch, not the zone. Blocking: runs on a zone
 * worker, one refresh per zone at a time.
 *
 * <pre>
 *  primary -> SOA ---not newer--> UpToDate
 *              |newer
 *              v
 *            IXFR --Incremental--> apply diff ----------> Transferred
 *              |fallback                |inconsistent
 *              v                        v
 *            AXFR <--------------------+
 *              |Zone --> replace -------------------------> Transferred
 *              |STALLED --> same step with smaller MSS (1220, 536)
 *              |failure --> next primary ... all failed --> Failed
 * </pre>
 */
public final class Refresh {
    private static final Logger logger = LoggerFactory.getLogger(Refresh.class);

    private final XfrClient client;
    private final SoaQuery soaQuery;
    private final ZoneWriter writer;
    private final MssMemory mssMemory;
    private final XfrSettings settings;

    public Refresh(XfrClient client, SoaQuery soaQuery, ZoneWriter writer, MssMemory mssMemory,
                   XfrSettings settings) {
        this.client = requireNonNull(client, "client");
        this.soaQuery = requireNonNull(soaQuery, "soaQuery");
        this.writer = requireNonNull(writer, "writer");
        this.mssMemory = requireNonNull(mssMemory, "mssMemory");
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Refreshes the zone from its primaries.
     *
     * @param current the snapshot served now, or null when the zone has no data
     * @param ixfr whether to try IXFR first when we hold a serial
     * @param source the zone's own source address (AXFR-SOURCE metadata), or null for query-local-address
     */
    public RefreshOutcome run(Name zone, ZoneSnapshot current, List<Primary> primaries, TSIG tsig, boolean ixfr,
                              java.net.InetAddress source) {
        List<RefreshOutcome.Attempt> attempts = new ArrayList<>();
        if (primaries.isEmpty()) {
            attempts.add(new RefreshOutcome.Attempt(null, "SOA", Failure.BAD_DATA,
                    "the zone has no usable primary (domains.master is empty or unparsable)"));
            return new RefreshOutcome.Failed(attempts);
        }
        for (Primary primary : primaries) {
            RefreshOutcome outcome = fromPrimary(zone, current, primary, tsig, ixfr, source, attempts);
            if (outcome != null) {
                return outcome;
            }
        }
        return new RefreshOutcome.Failed(attempts);
    }

    private RefreshOutcome fromPrimary(Name zone, ZoneSnapshot current, Primary primary, TSIG tsig, boolean ixfr,
                                       java.net.InetAddress zoneSource, List<RefreshOutcome.Attempt> attempts) {
        java.net.InetAddress target = primary.address().getAddress();
        java.net.InetAddress source = zoneSource != null && zoneSource.getClass() == target.getClass() ? zoneSource
                : settings.sourceFor(target);
        SoaQuery.Result soa = soaQuery.query(zone, primary.address(), source, tsig, settings.soaTimeout());
        if (soa instanceof SoaQuery.Failed) {
            SoaQuery.Failed failed = (SoaQuery.Failed) soa;
            attempts.add(new RefreshOutcome.Attempt(primary, "SOA", failed.failure(), failed.detail()));
            return null;
        }
        long theirs = ((SoaQuery.Answer) soa).soa().getSerial();
        long expire = ((SoaQuery.Answer) soa).expire();
        if (current != null && !Serials.isNewer(theirs, current.serial())) {
            return new RefreshOutcome.UpToDate(primary, current.serial(), expire);
        }
        boolean tryIxfr = ixfr && current != null;
        if (tryIxfr) {
            RefreshOutcome outcome = transfer(zone, current, primary, source, tsig, Type.IXFR, attempts, expire);
            if (outcome != null || !fallsBackToAxfr(attempts.get(attempts.size() - 1))) {
                return outcome;
            }
            RefreshOutcome.Attempt failed = attempts.get(attempts.size() - 1);
            if (failed.failure() == Failure.STORE) {
                // Our database failed, not the primary: still worth an AXFR, whose write replaces every row, since
                // the diff also fails when SQL no longer holds the rows of the serial we serve.
                logger.warn("[{}] IXFR-in from {}: {}; trying AXFR", zone, primary, failed.detail());
            } else {
                logger.info("[{}] IXFR-in from {}: {}; falling back to AXFR", zone, primary, failed.detail());
            }
        }
        return transfer(zone, current, primary, source, tsig, Type.AXFR, attempts, expire);
    }

    /** Runs one transfer (with the MSS fallback) and applies it; null with an attempt added when it failed. */
    private RefreshOutcome transfer(Name zone, ZoneSnapshot current, Primary primary, java.net.InetAddress source,
                                    TSIG tsig, int qtype, List<RefreshOutcome.Attempt> attempts, long expire) {
        String step = Type.string(qtype);
        int remembered = mssMemory.remembered(primary);
        int mss = remembered > 0 ? remembered : settings.mss();
        boolean auto = remembered > 0;
        TransferRequest request = new TransferRequest(zone, qtype, current == null ? null : current.soa(),
                primary.address(), source, tsig, mss, settings.connectTimeout(), settings.idleTimeout(),
                settings.stallTimeout(), settings.deadline(), settings.maxBytes(), canFallBack(mss));
        TransferResult result;
        ZoneWriter.Replacement replacement = null;
        try {
            // Each attempt writes a whole-zone answer into a transaction of its own as it arrives; a failed one
            // rolls back when the next begins.
            replacement = writer.replacing(zone);
            result = await(request, replacement);
            while (result instanceof TransferResult.Failed
                    && ((TransferResult.Failed) result).failure() == Failure.STALLED && canFallBack(request.mss())) {
                int smaller = XfrSettings.smallerMss(request.mss());
                TransferResult.Failed failed = (TransferResult.Failed) result;
                logger.warn("[{}] {}-in from {}: {}; suspected path-MTU blackhole; retrying with mss {}{}", zone,
                        step, primary, failed.detail(), smaller, failed.stats().tcpInfo().isEmpty() ? ""
                                : " (" + failed.stats().tcpInfo() + ")");
                request = request.withMss(smaller, canFallBack(smaller));
                auto = true;
                replacement.close();
                replacement = writer.replacing(zone);
                result = await(request, replacement);
                if (!(result instanceof TransferResult.Failed)) {
                    mssMemory.remember(primary, smaller);
                }
            }
            if (result instanceof TransferResult.Zone) {
                TransferResult.Zone whole = (TransferResult.Zone) result;
                String type = whole.askedIxfr() ? "IXFR(AXFR-style)" : "AXFR";
                RefreshOutcome.Transferred outcome = new RefreshOutcome.Transferred(primary, type,
                        current == null ? -1 : current.serial(), whole.soa().getSerial(), whole.stats(), auto, expire);
                replacement.commit(whole.records(), outcome);
                return outcome;
            }
            if (result instanceof TransferResult.Incremental) {
                TransferResult.Incremental changes = (TransferResult.Incremental) result;
                RefreshOutcome.Transferred outcome = new RefreshOutcome.Transferred(primary, "IXFR", current.serial(),
                        changes.soa().getSerial(), changes.stats(), auto, expire);
                writer.apply(zone, current, changes.deltas(), outcome);
                return outcome;
            }
            if (result instanceof TransferResult.UpToDate) {
                return new RefreshOutcome.UpToDate(primary, ((TransferResult.UpToDate) result).soa().getSerial(),
                        expire);
            }
        } catch (InconsistentChangesException e) {
            attempts.add(new RefreshOutcome.Attempt(primary, step, Failure.BAD_DATA, e.getMessage()));
            return null;
        } catch (ZoneCheckException e) {
            attempts.add(new RefreshOutcome.Attempt(primary, "apply", Failure.BAD_DATA,
                    "transferred data fails the zone checks, old zone kept: " + e.getMessage()));
            return null;
        } catch (StoreException e) {
            // Our database, not the primary's data: counted as such; nothing was committed.
            attempts.add(new RefreshOutcome.Attempt(primary, "apply", Failure.STORE,
                    "cannot write the transferred zone, old zone kept: " + e.getMessage()));
            return null;
        } catch (RuntimeException e) {
            // A bug, not the primary's fault: the refresh still ends in an outcome (so the retry timer and a waiting
            // 'ternctl retrieve' hear of it), the old zone stays, and the trace goes to the debug log.
            logger.debug("[{}] {}-in from {}: applying the transferred data failed", zone, step, primary, e);
            attempts.add(new RefreshOutcome.Attempt(primary, "apply", Failure.INTERNAL,
                    "applying the transferred zone failed unexpectedly, old zone kept: " + Problems.describe(e)
                            + " (a bug in Tern; the debug log has the details)"));
            return null;
        } finally {
            // Rolls back whatever a failed transfer wrote: the old zone stays stored and served.
            if (replacement != null) {
                replacement.close();
            }
        }
        TransferResult.Failed failed = (TransferResult.Failed) result;
        String detail = failed.detail();
        if (failed.failure() == Failure.STALLED) {
            detail += "; suspected path-MTU blackhole" + (settings.autoMss() ? ", smallest mss tried "
                    + request.mss() : "; set xfr-auto-mss=yes or a smaller xfr-tcp-mss");
        }
        attempts.add(new RefreshOutcome.Attempt(primary, step, failed.failure(), detail));
        return null;
    }

    /** Whether a smaller MSS remains to try after a stall at {@code mss}. */
    private boolean canFallBack(int mss) {
        return settings.autoMss() && client.canClampMss() && XfrSettings.smallerMss(mss) > 0;
    }

    private static boolean fallsBackToAxfr(RefreshOutcome.Attempt attempt) {
        if (attempt.failure() == Failure.IXFR_ONLY_SOA || attempt.failure() == Failure.BAD_DATA
                || attempt.failure() == Failure.STORE) {
            return true;
        }
        if (attempt.failure() != Failure.RCODE) {
            return false;
        }
        return attempt.detail().endsWith(Rcode.string(Rcode.NOTIMP))
                || attempt.detail().endsWith(Rcode.string(Rcode.REFUSED))
                || attempt.detail().endsWith(Rcode.string(Rcode.FORMERR));
    }

    private TransferResult await(TransferRequest request, ZoneWriter.Replacement replacement) {
        ReplacementSink sink = new ReplacementSink(replacement);
        try {
            return sink.runUntil(client.transfer(request, sink), request.deadline().toMillis() + 5000);
        } catch (ExecutionException e) {
            logger.debug("[{}] {}-in from {} failed", request.zone(), Type.string(request.qtype()),
                    request.primary(), e);
            return new TransferResult.Failed(Failure.INTERNAL, 0, "the transfer failed unexpectedly: "
                    + Problems.describe(e) + " (a bug in Tern; the debug log has the details)",
                    new dev.tern.server.xfr.TransferStats(0, 0, request.deadline(), request.mss(), ""));
        } catch (TimeoutException e) {
            return new TransferResult.Failed(Failure.DEADLINE, 0, "the transfer did not end within "
                    + (request.deadline().toSeconds() + 5) + " s",
                    new dev.tern.server.xfr.TransferStats(0, 0, request.deadline(), request.mss(), ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TransferResult.Failed(Failure.DEADLINE, 0, "interrupted (shutting down)",
                    new dev.tern.server.xfr.TransferStats(0, 0, java.time.Duration.ZERO, request.mss(), ""));
        }
    }

    /** IXFR changes that do not fit the data we hold (a record to remove that we lack): fall back to AXFR. */
    public static final class InconsistentChangesException extends RuntimeException {
        public InconsistentChangesException(String message) {
            super(message);
        }
    }
}
