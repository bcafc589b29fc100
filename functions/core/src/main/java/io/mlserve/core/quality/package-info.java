/**
 * Model quality on ground truth: metrics of logged predictions joined to the actuals feedback recorded (equal to
 * scikit-learn's, each with a 95% interval), a model's quality settings and schedule, the scheduled check that raises
 * {@code ModelQualityDegraded}, and the quality page. See {@code docs/quality.md}.
 */
package io.mlserve.core.quality;
