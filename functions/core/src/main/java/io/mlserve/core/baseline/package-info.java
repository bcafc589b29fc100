/**
 * Baselines: what a model version's inputs and predictions looked like on its reference rows (quantile bins,
 * counts, a seeded sample and a summary for numbers; frequencies for categories), stored beside the version and
 * compared with live traffic by drift detection. The shape and the binning rule are in {@code docs/drift.md}.
 */
package io.mlserve.core.baseline;
