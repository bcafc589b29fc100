package io.mlserve.core.registry;

import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.logquery.StatsCalculator;
import java.time.Instant;

/**
 * A canary's health read from the prediction log with the same reader and statistics as
 * {@code GET /models/{name}/stats}, so the guard and the stats API never disagree.
 */
public final class LoggedCanaryHealth implements CanaryHealthSource {
    private final PredictionLogReader log;
    private final StatsCalculator calculator = new StatsCalculator();

    /** @param log the prediction log */
    public LoggedCanaryHealth(PredictionLogReader log) {
        this.log = log;
    }

    @Override
    public CanaryHealth health(String model, String version, Instant from, Instant to) {
        var query = new PredictionQuery(model, version, from, to, PredictionQuery.DEFAULT_LIMIT, null, true, true);
        try (var items = log.outcomes(query)) {
            var stats = calculator.compute(query, items);
            var p95 = stats.latencyMs().p95();
            return new CanaryHealth((int) (stats.requestCount() + stats.errorCount()), (int) stats.errorCount(),
                    p95 == null ? 0 : p95);
        }
    }
}
