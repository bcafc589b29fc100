package io.mlserve.function.registry;

import com.fasterxml.jackson.databind.node.NullNode;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.logquery.PredictionStats;
import io.mlserve.core.logquery.StatsCalculator;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /predictions} and {@code GET /models/{name}/stats}: validates the query string, reads
 * the log, and shapes the response bodies (plain maps, so nulls and absent fields are explicit).
 * Bad input throws the core's {@link io.mlserve.core.error.InvalidInputException} (400).
 */
final class PredictionLogApi {
    private final PredictionLogReader reader;
    private final Clock clock;
    private final StatsCalculator calculator;

    PredictionLogApi(PredictionLogReader reader, Clock clock) {
        this(reader, clock, new StatsCalculator());
    }

    PredictionLogApi(PredictionLogReader reader, Clock clock, StatsCalculator calculator) { // tests lower the cap
        this.reader = reader;
        this.clock = clock;
        this.calculator = calculator;
    }

    /**
     * @param queryParams {@code model} (required), {@code version}, {@code from}, {@code to}, {@code limit}, {@code cursor}
     * @return {@code {"items": [...], "nextCursor": "…" (absent on the last page), "count": n}}, newest first
     */
    Object predictions(Map<String, String> queryParams) {
        var page = reader.page(PredictionQuery.fromParams(queryParams, clock));
        var body = new LinkedHashMap<String, Object>();
        body.put("items", page.items().stream().map(PredictionLogApi::item).toList());
        if (page.nextCursor() != null) {
            body.put("nextCursor", page.nextCursor());
        }
        body.put("count", page.items().size());
        return body;
    }

    /**
     * @param model the model name from the path, already checked
     * @param queryParams {@code version}, {@code from}, {@code to}
     * @return the statistics body; see {@link StatsCalculator} for the definitions
     */
    Object stats(String model, Map<String, String> queryParams) {
        var query = PredictionQuery.forModel(model, queryParams, clock);
        PredictionStats stats;
        try (var items = reader.outcomes(query)) {
            stats = calculator.compute(query, items);
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("model", stats.model());
        body.put("version", orNull(stats.version()));
        body.put("from", stats.from().toString());
        body.put("to", stats.to().toString());
        body.put("count", stats.count());
        body.put("requestCount", stats.requestCount());
        body.put("errorCount", stats.errorCount());
        body.put("errorRate", stats.errorRate());
        var latency = new LinkedHashMap<String, Object>();
        latency.put("p50", orNull(stats.latencyMs().p50()));
        latency.put("p95", orNull(stats.latencyMs().p95()));
        latency.put("p99", orNull(stats.latencyMs().p99()));
        body.put("latencyMs", latency);
        if (stats.classes() != null) {
            body.put("classes", stats.classes());
        }
        if (stats.values() != null) {
            var values = new LinkedHashMap<String, Object>();
            stats.values().forEach((target, q) -> {
                var quantiles = new LinkedHashMap<String, Object>();
                quantiles.put("count", q.count());
                quantiles.put("p05", q.p05());
                quantiles.put("p25", q.p25());
                quantiles.put("p50", q.p50());
                quantiles.put("p75", q.p75());
                quantiles.put("p95", q.p95());
                quantiles.put("mean", q.mean());
                values.put(target, quantiles);
            });
            body.put("values", values);
        }
        body.put("truncated", stats.truncated());
        return body;
    }

    /** Json.MAPPER leaves out null values; these fields are part of the contract, so write an explicit null. */
    private static Object orNull(Object value) {
        return value == null ? NullNode.instance : value;
    }

    private static Map<String, Object> item(PredictionRecord p) {
        var item = new LinkedHashMap<String, Object>();
        item.put("model", p.model().name());
        item.put("version", p.model().version());
        item.put("requestId", p.requestId());
        item.put("row", p.row());
        item.put("timestamp", p.timestamp().toString());
        item.put("inputs", p.inputs());
        if (p.output() != null) {
            item.put("output", p.output());
        }
        if (p.error() != null) {
            item.put("error", p.error());
        }
        item.put("latencyMs", p.latencyMs());
        item.put("source", p.source());
        return item;
    }
}
