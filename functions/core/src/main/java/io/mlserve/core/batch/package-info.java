/**
 * Bulk prediction's pure rules: who owns which record of a byte range, how output columns are named,
 * how range-local line numbers become file line numbers, which rows are sampled to the prediction log,
 * and the {@link io.mlserve.core.batch.BlobStore} port the engine streams through.
 */
package io.mlserve.core.batch;
