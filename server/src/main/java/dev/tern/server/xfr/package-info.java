/**
 * Transfer protocols without scheduling: the SOA query ({@link dev.tern.server.xfr.SoaQuery}), the AXFR/IXFR
 * client on Netty ({@link dev.tern.server.xfr.XfrClient}) with TCP_MAXSEG set before connect, stall detection and
 * TSIG on every message, and the RFC 1995/5936 stream parser ({@link dev.tern.server.xfr.XfrStream}). Returns
 * outcomes ({@link dev.tern.server.xfr.TransferResult}); never plans, never writes SQL. Uses {@code zone} and the
 * socket options of {@code transport}.
 */
package dev.tern.server.xfr;
