/**
 * Ground truth: feedback joins a caller's actual label or value to one logged prediction row, found by its
 * {@link io.mlserve.core.store.PredictionId}. {@link io.mlserve.core.feedback.FeedbackService} checks each item and
 * answers per item; {@link io.mlserve.core.feedback.FeedbackStore} records an actual once and never overwrites it.
 */
package io.mlserve.core.feedback;
