package io.mlserve.core.registry;

import java.util.Map;

/** Announces registry events to other systems (EventBridge in production). */
public interface EventPublisher {

    /**
     * @param detailType event name, e.g. {@code CanaryRolledBack}
     * @param detail event body
     * @return the event id given by the bus
     */
    String publish(String detailType, Map<String, Object> detail);
}
