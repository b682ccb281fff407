package dev.tern.server.store;

import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * The zones as stored in SQL. Every method blocks; call from worker threads only. Failures of the database are
 * {@link StoreException}s. A row that cannot be read is listed in the snapshot as broken (its name answers SERVFAIL
 * for its type) while the rest of the zone is served; only data that makes the whole zone unservable (no readable
 * apex SOA, a CNAME beside other data) is a {@link dev.tern.server.zone.ZoneCheckException} naming the row.
 */
public interface ZoneStore extends AutoCloseable {
    /** Every zone with its apex SOA content: cheap enough to run every few seconds. */
    List<DomainRow> domains();

    /** Reads and checks the records of one zone (rows with {@code disabled=1} are not served). */
    ZoneSnapshot load(DomainRow domain);

    /** As {@link #load(DomainRow)}, inside a transaction: sees what the transaction wrote and has not committed. */
    ZoneSnapshot load(ZoneTransaction transaction, DomainRow domain);

    /**
     * Starts a transaction in which a zone's records, its journal entry and its state are written together
     * ({@link #replaceRecords(ZoneTransaction, DomainRow, Collection)}, {@link Journal}, {@link SecondaryStore}).
     */
    ZoneTransaction begin();

    /** Creates a zone row; fails when a zone of that name exists. */
    DomainRow createZone(Name name, ZoneKind kind, String masters);

    /**
     * Replaces all records of a zone with these, in one transaction, written as PowerDNS writes a zone it transferred:
     * ordername and auth columns, empty non-terminal rows, and for a signed zone the PRESIGNED and NSEC3PARAM metadata
     * in place of the NSEC, NSEC3 and NSEC3PARAM records ({@link Rectify}).
     */
    void replaceRecords(DomainRow domain, Collection<Record> records);

    /** As {@link #replaceRecords(DomainRow, Collection)}, inside a transaction the caller commits. */
    void replaceRecords(ZoneTransaction transaction, DomainRow domain, Collection<Record> records);

    /**
     * Deletes every record of a zone inside the transaction, the first step of writing a whole zone batch by batch
     * as it arrives: {@code clearRecords}, {@link #appendRecords} for each batch, {@link #rectifyRecords} after the
     * last. Nothing is visible to others before the caller commits.
     */
    void clearRecords(ZoneTransaction transaction, DomainRow domain);

    /** Appends one batch of a zone's records, as they arrived, to the rows of the transaction. */
    void appendRecords(ZoneTransaction transaction, DomainRow domain, Collection<Record> records);

    /**
     * Reads the rows appended since {@link #clearRecords} back as records and checks that they make a zone that
     * would load, its denial chain included (a {@link dev.tern.server.zone.ZoneCheckException} when not); before
     * {@link #rectifyRecords}, which drops the NSEC and NSEC3 rows the chain is checked from.
     */
    void checkRecords(ZoneTransaction transaction, DomainRow domain);

    /**
     * Makes the rows appended since {@link #clearRecords} what {@link #replaceRecords(DomainRow, Collection)} writes
     * (ordername, auth, empty non-terminals, signing metadata), reading them back in pages: memory holds the zone's
     * names, not its rows.
     */
    void rectifyRecords(ZoneTransaction transaction, DomainRow domain);

    /** Deletes a zone: its records, metadata, journal and state rows, then the domains row; one transaction. */
    void deleteZone(DomainRow domain);

    /** The serial last sent in NOTIFY for a zone ({@code domains.notified_serial}), or null when never. */
    Long notifiedSerial(long domainId);

    /** Records the serial a NOTIFY round was started for, as PowerDNS does when it queues the NOTIFYs. */
    void setNotifiedSerial(long domainId, long serial);

    @Override
    void close();
}
