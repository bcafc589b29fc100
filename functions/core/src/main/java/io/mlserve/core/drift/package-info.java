/**
 * Drift detection, the pure part: the statistics (KS, chi-square, PSI, Cramér's V), the per-model
 * drift settings and the report comparing live traffic with a version's {@link io.mlserve.core.baseline.Baseline}.
 * Reading the prediction log, schedules, events and storage belong to the drift function. The rules
 * (binning, zero-bin floor, exact vs asymptotic KS, the drift decision) are documented in {@code docs/drift.md}.
 */
package io.mlserve.core.drift;
