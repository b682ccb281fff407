package dev.tern.server.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.store.SecondaryState;

/**
 * What {@code zone-status} shows of a secondary zone.
 *
 * @param lastTransfer the last transfer since start, or null
 * @param lastFailure the last failed refresh since start, or null
 * @param primarySerials the serial each primary answered last (SOA check or transfer)
 */
public record SecondaryStatus(List<Primary> primaries, SecondaryState state, RefreshOutcome lastOutcome,
                              Instant lastCheck, Instant nextRefresh, boolean refreshing,
                              RefreshOutcome.Transferred lastTransfer, RefreshOutcome.Failed lastFailure,
                              Map<Primary, Long> primarySerials) {
}
