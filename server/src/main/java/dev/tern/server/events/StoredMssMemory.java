package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.secondary.MssMemory;
import dev.tern.server.secondary.Primary;
import dev.tern.server.store.ZoneStateStore;
import dev.tern.server.store.StoreException;

/** The MSS learned per primary, kept in {@code tern_primary_mss} so it survives restarts. */
public final class StoredMssMemory implements MssMemory {
    private static final Logger logger = LoggerFactory.getLogger(StoredMssMemory.class);

    private final ZoneStateStore store;
    private final Clock clock;

    public StoredMssMemory(ZoneStateStore store, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public int remembered(Primary primary) {
        try {
            return store.mss(key(primary));
        } catch (StoreException e) {
            logger.warn("cannot read the learned mss of {}: {}", primary, e.getMessage());
            return 0;
        }
    }

    @Override
    public void remember(Primary primary, int mss) {
        try {
            store.rememberMss(key(primary), mss, clock.instant());
            logger.info("primary {}: mss {} remembered for later transfers", primary, mss);
        } catch (StoreException e) {
            logger.warn("cannot save the learned mss of {}: {}", primary, e.getMessage());
        }
    }

    private static String key(Primary primary) {
        return io.netty.util.NetUtil.toSocketAddressString(primary.address());
    }
}
