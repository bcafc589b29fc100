package io.mlserve.core.jobs;

/**
 * What one unit of a job (a byte range of a batch input) did, counted once however often it ran.
 *
 * @param index the range's position, from 0
 * @param rowsRead records whose first byte falls in the range
 * @param rowsPredicted of those, predicted
 * @param rowsRejected of those, rejected (each in the errors file)
 * @param lines physical lines those records span (so error line numbers can be made global)
 * @param output S3 URI of the range's output part
 * @param errors S3 URI of the range's errors part, or null when it rejected nothing
 */
public record RangeResult(int index, long rowsRead, long rowsPredicted, long rowsRejected, long lines, String output, String errors) {}
