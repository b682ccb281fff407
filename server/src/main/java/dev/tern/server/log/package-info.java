/**
 * Log volume: {@link dev.tern.server.log.LogRateLimit} keeps the lines logged per packet (refused NOTIFY, refused
 * transfers, malformed messages) to a few per source and minute, and counts every one of them in the metrics.
 * Called from event loops, so it takes no locks and allocates only for a source it has not seen in the window. Uses
 * SLF4J and Micrometer only.
 */
package dev.tern.server.log;
