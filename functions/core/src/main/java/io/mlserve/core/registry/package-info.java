/** The model registry: versions with a status, aliases with canary weights, and the audit trail. */
package io.mlserve.core.registry;
