/**
 * Who may do what with a zone: the TSIG keyring, per-zone transfer and NOTIFY policies read from PowerDNS's
 * {@code domainmetadata}, and the transfer access decision ({@link dev.tern.server.acl.TransferAcl}). Everything here
 * is immutable or a volatile holder of immutable values, so event loops read it without locks; the zone worker
 * replaces it after reading SQL. Uses {@code config}.
 */
package dev.tern.server.acl;
