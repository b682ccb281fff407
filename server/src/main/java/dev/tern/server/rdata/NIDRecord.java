package dev.tern.server.rdata;

/** An NID record (RFC 6742 2.1): an ILNP node identifier, {@code 10 0014:4fff:ff20:ee64}. */
public final class NIDRecord extends Ilnp64Record {
}
