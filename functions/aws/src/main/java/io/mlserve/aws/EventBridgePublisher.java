package io.mlserve.aws;

import io.mlserve.core.json.Json;
import io.mlserve.core.registry.EventPublisher;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** Events on an EventBridge bus: registry events (source {@value #SOURCE}) or another component's. */
public final class EventBridgePublisher implements EventPublisher {
    /** The {@code source} of every mlserve registry event: rules match on it. */
    public static final String SOURCE = "mlserve.registry";

    private final EventBridgeClient events;
    private final String busName;
    private final String source;

    /**
     * @param events client
     * @param busName event bus name ({@code default} for the account's default bus)
     */
    public EventBridgePublisher(EventBridgeClient events, String busName) {
        this(events, busName, SOURCE);
    }

    /**
     * @param events client
     * @param busName event bus name ({@code default} for the account's default bus)
     * @param source the events' {@code source}, e.g. {@code mlserve.batch}
     */
    public EventBridgePublisher(EventBridgeClient events, String busName, String source) {
        this.events = events;
        this.busName = busName;
        this.source = source;
    }

    @Override
    public String publish(String detailType, Map<String, Object> detail) {
        var entry = PutEventsRequestEntry.builder().eventBusName(busName).source(source).detailType(detailType)
                .detail(Json.write(detail)).build();
        var response = events.putEvents(b -> b.entries(entry));
        var result = response.entries().get(0);
        if (result.errorCode() != null) {
            throw new IllegalStateException("EventBridge refused " + detailType + ": " + result.errorCode() + " " + result.errorMessage());
        }
        return result.eventId();
    }
}
