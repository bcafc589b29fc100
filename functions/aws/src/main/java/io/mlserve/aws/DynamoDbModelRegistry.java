package io.mlserve.aws;

import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.CanaryGuard;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.RegistryConflictException;
import io.mlserve.core.registry.VersionStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The registry in one DynamoDB table, one partition per model ({@code pk = MODEL#<name>}):
 * {@code sk = VERSION#<v>} per version, {@code ALIASES} (production, canary, weight, guard,
 * revision), {@code AUDIT#<time>#<id>} per change, and a {@code MODEL} marker for listing. Alias
 * changes are one transaction conditional on the revision read before: two concurrent changes
 * cannot both apply, and none applies halfway.
 */
public final class DynamoDbModelRegistry implements ModelRegistry {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DynamoDbModelRegistry.class);
    private static final String ALIASES = "ALIASES";
    private static final String MARKER = "MODEL";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbModelRegistry(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Aliases aliases(String name) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(name, ALIASES)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Aliases.NONE;
        }
        // Read defensively: an item written by an older release or by hand must not make the model
        // unreadable (and so unrepairable through the API). Out-of-range values fall back to safe ones.
        long weight = number(item, "canaryWeight", name);
        if (weight < 0 || weight > Aliases.MAX_WEIGHT) {
            LOG.warn("aliases of {}: stored canaryWeight {} is out of range; serving production only", name, weight);
            weight = 0;
        }
        return new Aliases(s(item, "production"), s(item, "canary"), (int) weight, storedGuard(name, item.get("guard")),
                number(item, "revision", name), s(item, "updatedAt"));
    }

    @Override
    public Optional<RegisteredVersion> version(String name, String version) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(name, "VERSION#" + version)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toVersion(item));
    }

    @Override
    public List<RegisteredVersion> versions(String name) {
        return queryPrefix(name, "VERSION#").stream().map(DynamoDbModelRegistry::toVersion)
                .sorted(Comparator.comparing(RegisteredVersion::createdAt).thenComparing(RegisteredVersion::version))
                .toList();
    }

    @Override
    public List<String> modelNames() {
        var names = new ArrayList<String>();
        // The registry holds a handful of items per model: a filtered scan is cheaper than an index.
        dynamoDb.scanPaginator(b -> b.tableName(table).filterExpression("sk = :marker")
                        .expressionAttributeValues(Map.of(":marker", AttributeValue.fromS(MARKER))))
                .items().forEach(item -> names.add(item.get("name").s()));
        return names;
    }

    @Override
    public void register(RegisteredVersion version, AuditEntry audit) {
        var marker = new HashMap<>(key(version.name(), MARKER));
        marker.put("name", AttributeValue.fromS(version.name()));
        transact(version.name(), "version '" + version.version() + "' is already registered", List.of(
                put(toItem(version), "attribute_not_exists(pk)", Map.of()),
                put(marker, null, Map.of()),
                put(toItem(audit), null, Map.of())));
    }

    @Override
    public void updateAliases(
            String name, Aliases expected, Aliases updated, List<RegisteredVersion> statusChanges, AuditEntry audit) {
        var item = new HashMap<>(key(name, ALIASES));
        putIfPresent(item, "production", updated.production());
        putIfPresent(item, "canary", updated.canary());
        item.put("canaryWeight", AttributeValue.fromN(Integer.toString(updated.canaryWeight())));
        if (updated.guard() != null) {
            item.put("guard", AttributeValues.of(guardMap(updated.guard())));
        }
        item.put("revision", AttributeValue.fromN(Long.toString(updated.revision())));
        putIfPresent(item, "updatedAt", updated.updatedAt());
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(expected.revision() == 0
                ? put(item, "attribute_not_exists(pk)", Map.of())
                : put(item, "revision = :expected", Map.of(":expected", AttributeValue.fromN(Long.toString(expected.revision())))));
        // a version read unpinned must still be unpinned: the whole-item put would otherwise undo a backfill
        // (pin-versions) that landed in between; the caller then sees a conflict and reads again
        statusChanges.forEach(v -> writes.add(put(toItem(v),
                v.objectVersions() == null ? "attribute_exists(pk) AND attribute_not_exists(objectVersions)" : "attribute_exists(pk)",
                Map.of())));
        writes.add(put(toItem(audit), null, Map.of()));
        transact(name, "the aliases of '" + name + "' changed since they were read (revision " + expected.revision()
                + "); read them again and retry", writes);
    }

    @Override
    public void pinObjectVersions(RegisteredVersion version, Map<String, String> objectVersions, AuditEntry audit) {
        var sha = version.sha256() == null ? "attribute_not_exists(sha256)" : "sha256 = :sha";
        var values = new HashMap<String, AttributeValue>();
        values.put(":pins", AttributeValues.of(new LinkedHashMap<String, Object>(objectVersions)));
        if (version.sha256() != null) {
            values.put(":sha", AttributeValue.fromS(version.sha256()));
        }
        var update = Update.builder().tableName(table).key(key(version.name(), "VERSION#" + version.version()))
                .updateExpression("SET objectVersions = :pins")
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(objectVersions) AND " + sha)
                .expressionAttributeValues(values).build();
        transact(version.name(), "version '" + version.version() + "' of '" + version.name() + "' changed or is already pinned",
                List.of(TransactWriteItem.builder().update(update).build(), put(toItem(audit), null, Map.of())));
    }

    @Override
    public List<AuditEntry> audit(String name) {
        return queryPrefix(name, "AUDIT#").stream().map(item -> new AuditEntry(s(item, "model"), s(item, "at"), s(item, "action"),
                s(item, "version"), s(item, "previous"), item.containsKey("weight") ? (int) n(item, "weight") : null,
                s(item, "actor"), s(item, "reason"))).toList();
    }

    private List<Map<String, AttributeValue>> queryPrefix(String name, String prefix) {
        var items = new ArrayList<Map<String, AttributeValue>>();
        dynamoDb.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("MODEL#" + name), ":prefix", AttributeValue.fromS(prefix))))
                .items().forEach(items::add);
        return items;
    }

    private void transact(String name, String conflictMessage, List<TransactWriteItem> writes) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException e) {
            boolean conditionFailed = e.cancellationReasons() == null
                    || e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (conditionFailed) {
                throw new RegistryConflictException(name, conflictMessage);
            }
            throw e;
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        var put = Put.builder().tableName(table).item(item);
        if (condition != null) {
            put.conditionExpression(condition);
            if (!values.isEmpty()) {
                put.expressionAttributeValues(values);
            }
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    private static Map<String, AttributeValue> key(String name, String sk) {
        return Map.of("pk", AttributeValue.fromS("MODEL#" + name), "sk", AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> toItem(RegisteredVersion v) {
        var item = new HashMap<>(key(v.name(), "VERSION#" + v.version()));
        item.put("name", AttributeValue.fromS(v.name()));
        item.put("version", AttributeValue.fromS(v.version()));
        item.put("status", AttributeValue.fromS(v.status().apiName()));
        putIfPresent(item, "location", v.location());
        putIfPresent(item, "sha256", v.sha256());
        putIfPresent(item, "task", v.task());
        if (v.metrics() != null) {
            item.put("metrics", AttributeValues.of(v.metrics()));
        }
        putIfPresent(item, "createdAt", v.createdAt());
        putIfPresent(item, "createdBy", v.createdBy());
        if (v.objectVersions() != null) {
            item.put("objectVersions", AttributeValues.of(new LinkedHashMap<String, Object>(v.objectVersions())));
        }
        if (v.logShards() != null) {
            item.put("logShards", AttributeValue.fromN(v.logShards().toString()));
        }
        return item;
    }

    private static RegisteredVersion toVersion(Map<String, AttributeValue> item) {
        Map<String, Double> metrics = null;
        if (item.containsKey("metrics")) {
            metrics = new LinkedHashMap<>();
            for (var e : item.get("metrics").m().entrySet()) {
                metrics.put(e.getKey(), Double.parseDouble(e.getValue().n()));
            }
        }
        Map<String, String> objectVersions = null;
        if (item.containsKey("objectVersions") && item.get("objectVersions").hasM()) {
            objectVersions = new LinkedHashMap<>();
            for (var e : item.get("objectVersions").m().entrySet()) {
                objectVersions.put(e.getKey(), e.getValue().s());
            }
        }
        Integer logShards = item.containsKey("logShards") ? Integer.valueOf(item.get("logShards").n()) : null;
        return new RegisteredVersion(s(item, "name"), s(item, "version"), VersionStatus.fromApi(s(item, "status")),
                s(item, "location"), s(item, "sha256"), s(item, "task"), metrics, s(item, "createdAt"), s(item, "createdBy"),
                objectVersions, logShards);
    }

    private static Map<String, AttributeValue> toItem(AuditEntry a) {
        var item = new HashMap<>(key(a.model(), "AUDIT#" + a.at() + "#" + UUID.randomUUID().toString().substring(0, 8)));
        item.put("model", AttributeValue.fromS(a.model()));
        item.put("at", AttributeValue.fromS(a.at()));
        item.put("action", AttributeValue.fromS(a.action()));
        putIfPresent(item, "version", a.version());
        putIfPresent(item, "previous", a.previous());
        if (a.weight() != null) {
            item.put("weight", AttributeValue.fromN(a.weight().toString()));
        }
        putIfPresent(item, "actor", a.actor());
        putIfPresent(item, "reason", a.reason());
        return item;
    }

    private static Map<String, Object> guardMap(CanaryGuard g) {
        var map = new LinkedHashMap<String, Object>();
        map.put("maxErrorRate", g.maxErrorRate());
        map.put("maxP95LatencyMs", g.maxP95LatencyMs());
        map.put("minRequests", g.minRequests());
        map.put("windowMinutes", g.windowMinutes());
        // ground-truth limits only when set: absent is "not checked"
        if (g.maxAccuracyDrop() != null) {
            map.put("maxAccuracyDrop", g.maxAccuracyDrop());
        }
        if (g.maxMapeRise() != null) {
            map.put("maxMapeRise", g.maxMapeRise());
        }
        if (g.minLabelled() != null) {
            map.put("minLabelled", g.minLabelled());
        }
        return map;
    }

    /** A stored guard that is unreadable or out of range guards with the defaults rather than failing. */
    private static CanaryGuard storedGuard(String name, AttributeValue value) {
        if (value == null || !value.hasM()) {
            return null;
        }
        var m = value.m();
        try {
            return new CanaryGuard(
                    m.containsKey("maxErrorRate") ? Double.valueOf(m.get("maxErrorRate").n()) : null,
                    m.containsKey("maxP95LatencyMs") ? Double.valueOf(m.get("maxP95LatencyMs").n()) : null,
                    m.containsKey("minRequests") ? Integer.valueOf(m.get("minRequests").n()) : null,
                    m.containsKey("windowMinutes") ? Integer.valueOf(m.get("windowMinutes").n()) : null,
                    m.containsKey("maxAccuracyDrop") ? Double.valueOf(m.get("maxAccuracyDrop").n()) : null,
                    m.containsKey("maxMapeRise") ? Double.valueOf(m.get("maxMapeRise").n()) : null,
                    m.containsKey("minLabelled") ? Integer.valueOf(m.get("minLabelled").n()) : null);
        } catch (RuntimeException e) { // NumberFormatException, NullPointerException, InvalidInputException
            LOG.warn("aliases of {}: stored canary guard is not valid ({}); using the defaults", name, e.getMessage());
            return CanaryGuard.DEFAULT;
        }
    }

    private static long number(Map<String, AttributeValue> item, String attribute, String name) {
        try {
            return n(item, attribute);
        } catch (RuntimeException e) {
            LOG.warn("aliases of {}: stored {} is not a number; reading it as 0", name, attribute);
            return 0;
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        var v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        var v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}
