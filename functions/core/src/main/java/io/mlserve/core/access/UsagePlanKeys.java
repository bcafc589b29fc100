package io.mlserve.core.access;

/**
 * API Gateway's own keys: each mlserve key also exists there with the same value, in the usage plan
 * of its role ({@code mlserve-<role>}), which meters and throttles it.
 */
public interface UsagePlanKeys {

    /**
     * Creates an enabled gateway key with this value and adds it to the role's usage plan.
     *
     * @param name key name
     * @param role its role (chooses the usage plan)
     * @param value the key value
     * @return the gateway key id
     */
    String create(String name, Role role, String value);

    /**
     * Disables a gateway key: the gateway refuses it from then on, independently of the authorizer.
     *
     * @param apiKeyId the gateway key id
     */
    void disable(String apiKeyId);

    /**
     * Deletes a gateway key (undoes a {@link #create} whose table write failed).
     *
     * @param apiKeyId the gateway key id
     */
    void delete(String apiKeyId);
}
