package io.mlserve.aws;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobPage;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.batch.ByteRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Jobs in DynamoDB. One partition per job: {@code pk} = jobId; {@code sk} = {@code JOB} for the job
 * item, {@code RANGE#00000} for each recorded range. Only JOB items carry {@code model} and
 * {@code kind = JOB}, the partition keys of the GSIs {@code byModel} (model, startedAt) and
 * {@code all} (kind, startedAt), so listing newest first is one Query either way.
 *
 * <p>Every write is conditional or additive: claim is a put if absent; start moves QUEUED → RUNNING
 * only; a range is recorded by ONE transaction (put the RANGE item if absent + ADD its counts to the
 * JOB item), so a retried range can never count twice; finish ends a job once; details are merged key by key
 * ({@code SET details.#k = :v}), so two steps writing different keys never lose each other's.
 */
public final class DynamoDbJobStore implements JobStore {
    static final String SK_JOB = "JOB";
    static final String KIND_JOB = "JOB";
    static final String BY_MODEL_INDEX = "byModel";
    static final String ALL_INDEX = "all";
    private static final String RANGE_PREFIX = "RANGE#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table jobs table name
     */
    public DynamoDbJobStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Job claim(Job job) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(job)).conditionExpression("attribute_not_exists(pk)"));
            return job;
        } catch (ConditionalCheckFailedException e) {
            return find(job.jobId()).orElseThrow(() -> new IllegalStateException("job " + job.jobId() + " exists but cannot be read"));
        }
    }

    @Override
    public Optional<Job> find(String jobId) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(jobId, SK_JOB)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(job(item));
    }

    @Override
    public JobPage list(String model, JobStatus status, int limit, String cursor) {
        if (limit < 1 || limit > 500) {
            throw new InvalidInputException("INVALID_LIMIT", "limit must be 1–500", Map.of("parameter", "limit"));
        }
        var startKey = cursor == null ? null : JobListCursor.decode(cursor, model, status);
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        var request = QueryRequest.builder().tableName(table).scanIndexForward(false);
        if (model != null) {
            names.put("#p", "model");
            values.put(":p", s(model));
            request.indexName(BY_MODEL_INDEX);
        } else {
            names.put("#p", "kind");
            values.put(":p", s(KIND_JOB));
            request.indexName(ALL_INDEX);
        }
        request.keyConditionExpression("#p = :p");
        if (status != null) {
            names.put("#status", "status");
            values.put(":status", s(status.name()));
            request.filterExpression("#status = :status");
        }
        request.expressionAttributeNames(names).expressionAttributeValues(values);
        var found = new ArrayList<Map<String, AttributeValue>>();
        Map<String, AttributeValue> lastEvaluated = startKey;
        do {
            var exclusive = lastEvaluated;
            QueryRequest page = request.limit(Math.max(limit + 1, 25)).exclusiveStartKey(exclusive).build();
            try {
                var response = dynamoDb.query(page);
                found.addAll(response.items());
                lastEvaluated = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            } catch (DynamoDbException e) {
                if (exclusive != null && e.statusCode() == 400) {
                    throw new InvalidInputException("INVALID_CURSOR", "the cursor is not valid for this query; start again without 'cursor'",
                            Map.of("parameter", "cursor"));
                }
                throw e;
            }
        } while (found.size() <= limit && lastEvaluated != null);
        String next = null;
        if (found.size() > limit) {
            found = new ArrayList<>(found.subList(0, limit));
            next = JobListCursor.encode(model, status, indexKey(found.get(limit - 1), model != null));
        } else if (lastEvaluated != null) {
            next = JobListCursor.encode(model, status, lastEvaluated);
        }
        return new JobPage(found.stream().map(DynamoDbJobStore::job).toList(), next);
    }

    private static Map<String, AttributeValue> indexKey(Map<String, AttributeValue> item, boolean byModel) {
        var key = new LinkedHashMap<String, AttributeValue>();
        key.put(byModel ? "model" : "kind", item.get(byModel ? "model" : "kind"));
        key.put("startedAt", item.get("startedAt"));
        key.put("pk", item.get("pk"));
        key.put("sk", item.get("sk"));
        return key;
    }

    @Override
    public void start(String jobId, String version, int chunksTotal) {
        var names = new HashMap<String, String>(Map.of("#status", "status"));
        var values = new HashMap<String, AttributeValue>(Map.of(":running", s(JobStatus.RUNNING.name()), ":queued",
                s(JobStatus.QUEUED.name()), ":total", n(chunksTotal)));
        var update = new StringBuilder("SET #status = :running, chunksTotal = :total");
        if (version != null) { // training learns its version only at the end (updateDetails)
            names.put("#version", "version");
            values.put(":version", s(version));
            update.append(", #version = :version");
        }
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(jobId, SK_JOB))
                    .updateExpression(update.toString())
                    .conditionExpression("#status = :queued")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // already running or ended: starting again changes nothing
        }
    }

    @Override
    public boolean completeRange(String jobId, RangeResult result) {
        var range = new HashMap<String, AttributeValue>(key(jobId, RANGE_PREFIX + ByteRange.pad(result.index())));
        range.put("index", n(result.index()));
        range.put("rowsRead", n(result.rowsRead()));
        range.put("rowsPredicted", n(result.rowsPredicted()));
        range.put("rowsRejected", n(result.rowsRejected()));
        range.put("lines", n(result.lines()));
        if (result.output() != null) { // a feedback job's unit writes no output
            range.put("output", s(result.output()));
        }
        if (result.errors() != null) {
            range.put("errors", s(result.errors()));
        }
        var put = Put.builder().tableName(table).item(range).conditionExpression("attribute_not_exists(pk)").build();
        var add = Update.builder().tableName(table).key(key(jobId, SK_JOB))
                .updateExpression("ADD rowsRead :r, rowsPredicted :p, rowsRejected :x, chunksDone :one")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":r", n(result.rowsRead()), ":p", n(result.rowsPredicted()), ":x", n(result.rowsRejected()),
                        ":one", n(1)))
                .build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(put).build(),
                    TransactWriteItem.builder().update(add).build()));
            return true;
        } catch (TransactionCanceledException e) {
            var reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.<software.amazon.awssdk.services.dynamodb.model.CancellationReason>of();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return false; // the range was recorded by an earlier attempt
            }
            if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new IllegalStateException("job " + jobId + " does not exist", e);
            }
            throw e;
        }
    }

    @Override
    public List<RangeResult> ranges(String jobId) {
        var request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :range)")
                .expressionAttributeValues(Map.of(":pk", s(jobId), ":range", s(RANGE_PREFIX)))
                .build();
        var out = new ArrayList<RangeResult>();
        dynamoDb.queryPaginator(request).items().forEach(item -> out.add(new RangeResult(
                (int) number(item, "index"), number(item, "rowsRead"), number(item, "rowsPredicted"), number(item, "rowsRejected"),
                number(item, "lines"), text(item, "output"), text(item, "errors"))));
        out.sort(java.util.Comparator.comparingInt(RangeResult::index));
        return out;
    }

    @Override
    public void finish(String jobId, JobStatus status, List<String> outputs, List<String> errors, String failureReason, String endedAt) {
        var names = Map.of("#status", "status");
        var values = new HashMap<String, AttributeValue>();
        values.put(":status", s(status.name()));
        values.put(":queued", s(JobStatus.QUEUED.name()));
        values.put(":running", s(JobStatus.RUNNING.name()));
        values.put(":outputs", AttributeValues.of(List.copyOf(outputs)));
        values.put(":errors", AttributeValues.of(List.copyOf(errors)));
        values.put(":endedAt", s(endedAt));
        var update = new StringBuilder("SET #status = :status, outputs = :outputs, errors = :errors, endedAt = :endedAt");
        if (failureReason != null) {
            values.put(":reason", s(failureReason));
            update.append(", failureReason = :reason");
        }
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(jobId, SK_JOB)).updateExpression(update.toString())
                    .conditionExpression("#status IN (:queued, :running)")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // already ended (or never claimed): the first end stands
        }
    }

    @Override
    public void updateDetails(String jobId, Map<String, Object> fields) {
        if (fields.isEmpty()) {
            return;
        }
        // one SET per key keeps the other details (a concurrent step's keys survive); names are placeholders, so any key is safe
        var names = new HashMap<String, String>(Map.of("#d", "details"));
        var values = new HashMap<String, AttributeValue>();
        var sets = new ArrayList<String>();
        int i = 0;
        for (var field : fields.entrySet()) {
            names.put("#k" + i, field.getKey());
            values.put(":v" + i, AttributeValues.of(field.getValue()));
            sets.add("#d.#k" + i + " = :v" + i);
            i++;
        }
        if (fields.get("version") instanceof String version) { // also the job's own version field
            names.put("#version", "version");
            values.put(":version", s(version));
            sets.add("#version = :version");
        }
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(jobId, SK_JOB)).updateExpression("SET " + String.join(", ", sets))
                    .conditionExpression("attribute_exists(pk)").expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("job " + jobId + " does not exist", e);
        }
    }

    @Override
    public void incrementDetail(String jobId, String field) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(jobId, SK_JOB))
                    .updateExpression("SET #d.#k = if_not_exists(#d.#k, :zero) + :one")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(Map.of("#d", "details", "#k", field))
                    .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1))));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("job " + jobId + " does not exist", e);
        }
    }

    private static Map<String, AttributeValue> key(String jobId, String sk) {
        return Map.of("pk", s(jobId), "sk", s(sk));
    }

    private static Map<String, AttributeValue> item(Job job) {
        var item = new HashMap<String, AttributeValue>(key(job.jobId(), SK_JOB));
        item.put("kind", s(KIND_JOB));
        item.put("jobId", s(job.jobId()));
        item.put("type", s(job.type()));
        item.put("model", s(job.model()));
        if (job.version() != null) {
            item.put("version", s(job.version()));
        }
        item.put("status", s(job.status().name()));
        if (job.input() != null) {
            item.put("input", s(job.input()));
        }
        item.put("rowsRead", n(job.rowsRead()));
        item.put("rowsPredicted", n(job.rowsPredicted()));
        item.put("rowsRejected", n(job.rowsRejected()));
        item.put("chunksTotal", n(job.chunksTotal()));
        item.put("chunksDone", n(job.chunksDone()));
        item.put("outputs", AttributeValues.of(job.outputs()));
        item.put("errors", AttributeValues.of(job.errors()));
        item.put("startedAt", s(job.startedAt()));
        if (job.endedAt() != null) {
            item.put("endedAt", s(job.endedAt()));
        }
        if (job.failureReason() != null) {
            item.put("failureReason", s(job.failureReason()));
        }
        item.put("details", AttributeValues.of(job.details() == null ? Map.of() : job.details()));
        return item;
    }

    @SuppressWarnings("unchecked")
    static Job job(Map<String, AttributeValue> item) {
        var details = item.containsKey("details") && AttributeValues.toJava(item.get("details")) instanceof Map<?, ?> m
                ? (Map<String, Object>) m : Map.<String, Object>of();
        return new Job(text(item, "pk"), text(item, "type"), text(item, "model"), text(item, "version"),
                JobStatus.valueOf(text(item, "status")), text(item, "input"), number(item, "rowsRead"), number(item, "rowsPredicted"),
                number(item, "rowsRejected"), (int) number(item, "chunksTotal"), (int) number(item, "chunksDone"), strings(item, "outputs"),
                strings(item, "errors"), text(item, "startedAt"), text(item, "endedAt"), text(item, "failureReason"), details);
    }

    private static List<String> strings(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null || !value.hasL() ? List.of() : value.l().stream().map(AttributeValue::s).toList();
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
