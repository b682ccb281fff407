/**
 * Per-zone background work. For now the LOAD path: {@link dev.tern.server.events.ZoneLoader} reads zones from the
 * store at startup and whenever the zone list or an apex SOA changes in SQL, builds snapshots and publishes them.
 * Runs on worker threads; uses {@code store}, {@code zone}.
 */
package dev.tern.server.events;
