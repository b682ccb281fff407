/**
 * The secondary's refresh procedure without scheduling: {@link dev.tern.server.secondary.Refresh} runs SOA check,
 * IXFR, AXFR fallback and the MSS fallback against the primaries in order and returns a {@link
 * dev.tern.server.secondary.RefreshOutcome}; {@link dev.tern.server.secondary.SoaTimers} is the timer arithmetic
 * (refresh, retry with backoff and jitter, expire); {@link dev.tern.server.secondary.Primary} parses PowerDNS's
 * {@code master} column. Uses {@code xfr}, {@code store}, {@code zone}, {@code config}; never plans.
 */
package dev.tern.server.secondary;
