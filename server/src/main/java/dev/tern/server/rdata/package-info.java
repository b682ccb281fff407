/**
 * Record types dnsjava 3.6.3 has no class for but PowerDNS stores and serves: EUI48, EUI64 (RFC 7043), NID, L32,
 * L64, LP (RFC 6742), CSYNC (RFC 7477), ZONEMD (RFC 8976), RKEY and PowerDNS's ALIAS. Starting class: {@link
 * dev.tern.server.rdata.RecordTypes}, whose {@code register()} must run before any record is parsed from text or
 * wire. Each class is one rdata format: wire, presentation and parsing, no policy. Uses dnsjava only.
 */
package dev.tern.server.rdata;
