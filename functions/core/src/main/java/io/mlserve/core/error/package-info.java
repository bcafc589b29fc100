/** Failures with an HTTP status and a stable code: the API's error contract. */
package io.mlserve.core.error;
