/**
 * SQL, the source of truth: the {@link dev.tern.server.store.ZoneStore} interface and its JDBC implementation over
 * PowerDNS's gsqlite3 schema ({@link dev.tern.server.store.JdbcZoneStore}, {@link dev.tern.server.store.Schema}),
 * and the conversion between PowerDNS's record rows and dnsjava records ({@link
 * dev.tern.server.store.PdnsRecordFormat}). Blocking: runs only on worker threads, never on an event loop. Uses
 * {@code zone} and {@code config}.
 */
package dev.tern.server.store;
