/** Ports to the outside world: the model store and the prediction log. */
package io.mlserve.core.store;
