/**
 * One DNS message in, one response out: parsing, opcode and class dispatch, EDNS (RFC 6891), the answer from
 * {@code answer} (or, for class CH, the server's own {@link dev.tern.server.query.ServerIdentity}), and encoding
 * with the UDP size limit and truncation. Start at {@link
 * dev.tern.server.query.QueryHandler}. Runs on the event loops: no SQL, no blocking, no locks.
 */
package dev.tern.server.query;
