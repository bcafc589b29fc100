/** Instances, predictions and the predictor port: everything between a request body and a model. */
package io.mlserve.core.inference;
