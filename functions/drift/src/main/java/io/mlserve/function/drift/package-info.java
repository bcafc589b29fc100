/**
 * The drift function: the drift routes over the shared HTTP edge ({@link io.mlserve.function.drift.DriftApi}), the
 * drift schedules' firings, reference baselines, and the HTML report page ({@link io.mlserve.function.drift.DriftReportPage}).
 */
package io.mlserve.function.drift;
