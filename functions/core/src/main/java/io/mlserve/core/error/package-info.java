/** Failures with a kind and a stable code: the API's error contract, free of HTTP (the edge maps kinds to statuses). */
package io.mlserve.core.error;
