/**
 * Reading the prediction log back: the validated query behind {@code GET /predictions} and
 * {@code GET /models/{name}/stats}, the reader port, pages with an opaque cursor, and the pure
 * statistics over a time window (counts, error rate, latency percentiles, output distribution).
 */
package io.mlserve.core.logquery;
