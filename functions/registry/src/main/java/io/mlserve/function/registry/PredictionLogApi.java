package io.mlserve.function.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.logquery.PredictionStats;
import io.mlserve.core.logquery.StatsCalculator;
import java.time.Clock;
import java.util.List;
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
     * One page of the log, newest first.
     *
     * @param items the logged rows and failed requests
     * @param nextCursor where the next page starts; absent on the last page
     * @param count items on this page
     */
    record LogPage(List<LogItem> items, String nextCursor, int count) {}

    /**
     * One logged row, or (with {@code error}) one failed request.
     *
     * @param model model
     * @param version version that answered
     * @param requestId the request
     * @param row row index within the request
     * @param timestamp when it was predicted
     * @param inputs the validated features
     * @param output the prediction; absent for a failed request
     * @param error the failure's code; absent for a predicted row
     * @param latencyMs inference time of the request
     * @param source who asked
     */
    record LogItem(String model, String version, String requestId, int row, String timestamp, Map<String, Object> inputs,
            Map<String, Object> output, String error, double latencyMs, String source) {
        static LogItem of(PredictionRecord p) {
            return new LogItem(p.model().name(), p.model().version(), p.requestId(), p.row(), p.timestamp().toString(), p.inputs(),
                    p.output(), p.error(), p.latencyMs(), p.source());
        }
    }

    /**
     * Statistics over a window; see {@link StatsCalculator} for the definitions. Null percentiles and
     * version are written as explicit nulls: they are part of the contract.
     *
     * @param model model
     * @param version the version, or null for all versions
     * @param from window start
     * @param to window end
     * @param count predicted rows
     * @param requestCount successful requests
     * @param errorCount failed requests
     * @param errorRate errorCount / (count + errorCount)
     * @param latencyMs latency percentiles
     * @param classes label to rows, for classifiers
     * @param values target to quantiles, for regressors
     * @param truncated true when the window held more items than were counted
     */
    record Stats(String model, @JsonInclude(JsonInclude.Include.ALWAYS) String version, String from, String to, long count,
            long requestCount, long errorCount, double errorRate, Latency latencyMs, Map<String, Long> classes,
            Map<String, PredictionStats.Quantiles> values, boolean truncated) {}

    /**
     * @param p50 median, null without requests
     * @param p95 95th percentile
     * @param p99 99th percentile
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Latency(Double p50, Double p95, Double p99) {}

    /**
     * @param queryParams {@code model} (required), {@code version}, {@code from}, {@code to}, {@code limit}, {@code cursor}
     * @return one page, newest first
     */
    LogPage predictions(Map<String, String> queryParams) {
        var page = reader.page(PredictionQuery.fromParams(queryParams, clock));
        return new LogPage(page.items().stream().map(LogItem::of).toList(), page.nextCursor(), page.items().size());
    }

    /**
     * @param model the model name from the path, already checked
     * @param queryParams {@code version}, {@code from}, {@code to}
     * @return the statistics
     */
    Stats stats(String model, Map<String, String> queryParams) {
        var query = PredictionQuery.forModel(model, queryParams, clock);
        PredictionStats stats;
        try (var items = reader.outcomes(query)) {
            stats = calculator.compute(query, items);
        }
        var latency = stats.latencyMs();
        return new Stats(stats.model(), stats.version(), stats.from().toString(), stats.to().toString(), stats.count(),
                stats.requestCount(), stats.errorCount(), stats.errorRate(), new Latency(latency.p50(), latency.p95(), latency.p99()),
                stats.classes(), stats.values(), stats.truncated());
    }
}
