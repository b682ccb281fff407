/**
 * Metrics: {@link dev.tern.server.metrics.TernMetrics} holds the Micrometer registry and records domain events
 * (refresh outcomes, transfers, MSS fallbacks, NOTIFYs) under stable names; the Prometheus endpoint will expose the
 * same registry. Uses Micrometer only.
 */
package dev.tern.server.metrics;
