package dev.tern.server.secondary;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Record;
import dev.tern.server.xfr.AxfrSink;

/**
 * Hands the batches of a whole-zone transfer from the transfer's event loop to the refresh worker, which writes
 * them into its open {@link ZoneWriter.Replacement}: JDBC stays off the event loop, and the transaction on the one
 * thread that opened it. The event loop stops reading while a batch waits, so at most one batch (and the messages
 * already read) is held.
 */
final class ReplacementSink implements AxfrSink {
    /** Rows per batch: a few hundred KB of records, one prepared-statement batch. */
    static final int BATCH = 2000;

    private final ZoneWriter.Replacement replacement;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    ReplacementSink(ZoneWriter.Replacement replacement) {
        this.replacement = requireNonNull(replacement, "replacement");
    }

    @Override
    public int batchSize() {
        return BATCH;
    }

    @Override
    public CompletableFuture<Void> write(List<Record> batch) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                replacement.add(batch);
                written.complete(null);
            } catch (RuntimeException e) {
                written.completeExceptionally(e);
            }
        });
        return written;
    }

    /**
     * Runs the batches handed over, on the calling worker, until {@code transfer} completes or the time is up; a
     * batch still waiting then is not written (the transfer failed or ended without it).
     */
    <T> T runUntil(Future<T> transfer, long timeoutMillis) throws InterruptedException,
            java.util.concurrent.ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (transfer instanceof CompletableFuture<T> done) {
            done.whenComplete((result, failure) -> tasks.add(() -> { }));
        }
        while (!transfer.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            Runnable task = tasks.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            if (task != null) {
                task.run();
            }
        }
        return transfer.get();
    }
}
