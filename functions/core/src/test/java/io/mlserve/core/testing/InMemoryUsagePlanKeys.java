package io.mlserve.core.testing;

import io.mlserve.core.access.Role;
import io.mlserve.core.access.UsagePlanKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** API Gateway keys in memory: id to (name, role, value, enabled). */
public final class InMemoryUsagePlanKeys implements UsagePlanKeys {
    /**
     * One gateway key.
     *
     * @param name key name
     * @param role usage plan role
     * @param value key value
     * @param enabled whether the gateway accepts it
     */
    public record GatewayKey(String name, Role role, String value, boolean enabled) {}

    private final Map<String, GatewayKey> keys = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public synchronized String create(String name, Role role, String value) {
        var id = "key" + ids.incrementAndGet();
        keys.put(id, new GatewayKey(name, role, value, true));
        return id;
    }

    @Override
    public synchronized void disable(String apiKeyId) {
        keys.computeIfPresent(apiKeyId, (id, k) -> new GatewayKey(k.name(), k.role(), k.value(), false));
    }

    @Override
    public synchronized void delete(String apiKeyId) {
        keys.remove(apiKeyId);
    }

    /** @return the gateway keys by id */
    public synchronized Map<String, GatewayKey> keys() {
        return Map.copyOf(keys);
    }
}
