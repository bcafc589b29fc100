package io.mlserve.aws;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque {@code cursor} of {@code GET /jobs}, made as {@link PredictionLogCursor} makes its own:
 * {@code base64url(payload) "." base64url(check)}, the payload {@code {"v":1,"model"|null,"status"|null,
 * "key":{...}}} and the check the first 12 bytes of SHA-256 over a fixed prefix and the payload. It is
 * bound to the filters (model, status): another filter is refused. The key is validated too: exactly
 * the index's key attributes ({@code byModel}: model, startedAt, pk, sk; {@code all}: kind, startedAt,
 * pk, sk), {@code sk = JOB}, and the same model, so a forged cursor can only point into the same query.
 */
final class JobListCursor {
    static final int MAX_LENGTH = CheckedToken.MAX_LENGTH;
    private static final CheckedToken TOKEN = new CheckedToken("job-list-cursor");
    private static final Set<String> BY_MODEL_KEY = Set.of("model", "startedAt", "pk", "sk");
    private static final Set<String> ALL_KEY = Set.of("kind", "startedAt", "pk", "sk");

    private JobListCursor() {}

    static String encode(String model, JobStatus status, Map<String, AttributeValue> lastKey) {
        var key = new LinkedHashMap<String, String>();
        lastKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.put(e.getKey(), Objects.requireNonNull(e.getValue().s(), "key attributes are strings")));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("model", model);
        payload.put("status", status == null ? null : status.name());
        payload.put("key", key);
        return TOKEN.encode(payload);
    }

    static Map<String, AttributeValue> decode(String token, String model, JobStatus status) {
        var payload = TOKEN.decode(token);
        var cursorModel = payload.path("model").isTextual() ? payload.get("model").asText() : null;
        var cursorStatus = payload.path("status").isTextual() ? payload.get("status").asText() : null;
        if (!Objects.equals(model, cursorModel) || !Objects.equals(status == null ? null : status.name(), cursorStatus)) {
            throw invalid("the cursor belongs to a different query: keep model and status as on the first page");
        }
        var key = payload.get("key");
        if (key == null || !key.isObject()) {
            throw invalid("the cursor is malformed");
        }
        var values = new LinkedHashMap<String, String>();
        key.properties().forEach(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty() || e.getValue().asText().length() > 1024) {
                throw invalid("the cursor is malformed");
            }
            values.put(e.getKey(), e.getValue().asText());
        });
        boolean ok = model != null
                ? values.keySet().equals(BY_MODEL_KEY) && model.equals(values.get("model"))
                : values.keySet().equals(ALL_KEY) && DynamoDbJobStore.KIND_JOB.equals(values.get("kind"));
        if (!ok || !DynamoDbJobStore.SK_JOB.equals(values.get("sk"))) {
            throw invalid("the cursor does not point into this query's results");
        }
        var out = new LinkedHashMap<String, AttributeValue>();
        values.forEach((name, value) -> out.put(name, AttributeValue.fromS(value)));
        return out;
    }

    private static InvalidInputException invalid(String why) {
        return CheckedToken.invalid(why);
    }
}
