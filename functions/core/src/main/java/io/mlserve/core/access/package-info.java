/** Roles, routes and API keys: who may call what. */
package io.mlserve.core.access;
