package io.mlserve.function.drift;

import io.mlserve.core.drift.DriftMetrics;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift metrics as CloudWatch embedded metric format lines on standard output (Lambda ships them to CloudWatch Logs,
 * which turns them into metrics): {@code DriftScore} per evaluated feature and the predictions (dimensions
 * {@code model}, {@code feature}; the feature's severity, 1 = at its threshold) and {@code DriftDetected} (dimension
 * {@code model}; 1 on a drift verdict, else 0).
 */
final class EmfDriftMetrics implements DriftMetrics {
    private final String namespace;
    private final OutputStream out;
    private final Clock clock;

    EmfDriftMetrics(String namespace, OutputStream out, Clock clock) {
        this.namespace = namespace;
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void record(DriftReport report) {
        var lines = new StringBuilder();
        for (var f : report.worstFirst()) {
            if (f.evaluable()) {
                lines.append(line("DriftScore", f.severity(), List.of("model", "feature"),
                        Map.of("model", report.model(), "feature", f.name())));
            }
        }
        lines.append(line("DriftDetected", report.verdict() == DriftReport.Verdict.DRIFT ? 1 : 0, List.of("model"),
                Map.of("model", report.model())));
        try {
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One EMF document: {@code {"_aws": {...}, <dimensions>, <name>: value}}, one line. */
    String line(String name, double value, List<String> dimensions, Map<String, String> dimensionValues) {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(Map.of(
                "Namespace", namespace, "Dimensions", List.of(dimensions),
                "Metrics", List.of(Map.of("Name", name, "Unit", name.equals("DriftDetected") ? "Count" : "None"))))));
        dimensions.forEach(d -> doc.put(d, dimensionValues.get(d)));
        doc.put(name, value);
        return Json.write(doc) + "\n";
    }
}
