/** The serving use cases: model cache and online prediction. */
package io.mlserve.core.serving;
