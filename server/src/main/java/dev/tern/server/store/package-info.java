/**
 * SQL, the source of truth: the {@link dev.tern.server.store.ZoneStore} interface and its JDBC implementation over
 * PowerDNS's gsqlite3 schema ({@link dev.tern.server.store.JdbcZoneStore}, {@link dev.tern.server.store.Schema}),
 * and the conversion between PowerDNS's record rows and dnsjava records ({@link
 * dev.tern.server.store.PdnsRecordFormat}); a zone's rows, ordername and auth columns and DNSSEC metadata as PowerDNS
 * writes a transferred zone ({@link dev.tern.server.store.Rectify}, {@link dev.tern.server.store.Presigned}), and the
 * NSEC/NSEC3 records it makes from them when it answers ({@link dev.tern.server.store.PresignedDenial}). Blocking:
 * runs only on worker threads, never on an event loop. Uses {@code zone} and {@code config}.
 */
package dev.tern.server.store;
