/**
 * Access control: the roles an API key can hold, the role every route needs, the keys table as a
 * port ({@link io.mlserve.core.access.KeyStore}) and the pure decision the Lambda authorizer takes
 * ({@link io.mlserve.core.access.AccessPolicy}). Key values are never stored, only their sha256
 * ({@link io.mlserve.core.access.KeyHash}).
 */
package io.mlserve.core.access;
