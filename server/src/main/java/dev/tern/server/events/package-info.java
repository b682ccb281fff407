/**
 * Per-zone background work, and the only package that plans. The LOAD path ({@link
 * dev.tern.server.events.ZoneLoader}) reads zones from the store at start and whenever the zone list or an apex SOA
 * changes in SQL; every new snapshot, loaded or transferred, is made served by {@link
 * dev.tern.server.events.ZonePublisher}, which journals the change and tells {@link dev.tern.server.events.Primaries}
 * (NOTIFY out). {@link dev.tern.server.events.ZoneEvents} runs one event per zone at a time for {@link
 * dev.tern.server.events.Secondaries} (refresh, expire, NOTIFY in). Runs on the zone worker; uses {@code store},
 * {@code zone}, {@code secondary}, {@code primary}, {@code acl}, {@code metrics}.
 */
package dev.tern.server.events;
