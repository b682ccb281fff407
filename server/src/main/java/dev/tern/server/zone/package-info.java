/**
 * Zones in memory: the immutable {@link dev.tern.server.zone.ZoneSnapshot} (name tree, apex SOA and NS, delegation
 * points) built and checked by {@link dev.tern.server.zone.ZoneSnapshotBuilder}, the {@link dev.tern.server.zone.Zone}
 * that holds the snapshot currently served, and the {@link dev.tern.server.zone.ZoneTable} that finds the closest
 * enclosing zone of a name. Uses dnsjava only: no SQL, no Netty, no clock.
 */
package dev.tern.server.zone;
