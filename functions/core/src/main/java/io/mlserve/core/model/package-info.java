/** The model contract: manifest, features, input/output specs and their self-checks. */
package io.mlserve.core.model;
