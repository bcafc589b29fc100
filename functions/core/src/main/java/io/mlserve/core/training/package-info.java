/**
 * Retraining: the spec ({@link io.mlserve.core.training.TrainingSpec}, read by
 * {@link io.mlserve.core.training.TrainingSpecs}), the data ({@link io.mlserve.core.training.TrainingTable},
 * {@link io.mlserve.core.training.DataSplit}), the {@link io.mlserve.core.training.Trainer} port and the held-out
 * {@link io.mlserve.core.training.Metrics} every candidate and the serving version are compared by.
 */
package io.mlserve.core.training;
