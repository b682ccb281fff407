package dev.tern.server.rdata;

/** An L64 record (RFC 6742 2.3): a 64-bit ILNP locator, {@code 10 2001:0db8:1140:1000}. */
public final class L64Record extends Ilnp64Record {
}
