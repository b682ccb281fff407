package dev.tern.server.xfr;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Record;

/**
 * Where the records of a whole-zone answer (AXFR, or IXFR answered AXFR-style) go while they arrive, batch by batch,
 * so that a transfer holds one batch in memory, not the zone. The transfer stops reading from the primary until a
 * batch is written; a batch that fails to be written fails the transfer ({@link TransferResult.Failure#STORE}).
 * The records after the last batch, ending with the final SOA's arrival, come in {@link TransferResult.Zone}.
 */
public interface AxfrSink {
    /** How many records make a batch. */
    int batchSize();

    /** Writes a batch, in the order of the transfer; the future completes once it is written. */
    CompletableFuture<Void> write(List<Record> batch);
}
