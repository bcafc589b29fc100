package io.mlserve.core.json;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.ScoreRow;
import io.mlserve.core.serving.PredictionService.PredictResponse;
import io.mlserve.core.store.PredictionIds;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the predict answer by hand, byte for byte what {@link Json#write} writes for a
 * {@link PredictResponse} (field order, nulls left out, numbers as {@link Double#toString}), without
 * Jackson's per-call serializer lookups and boxing. A {@link ScoreRow}'s floats are written as
 * {@link Float#toString}, the same text as their {@code Decimals.shortest} double. Anything
 * unexpected (a non-finite number, another value type) is left to Jackson.
 */
public final class PredictionJson {
    private static final byte[] MODEL = ascii("{\"model\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] REQUEST_ID = ascii(",\"requestId\":");
    private static final byte[] PREDICTIONS = ascii(",\"predictions\":[");
    private static final byte[] LABEL = ascii("{\"label\":");
    private static final byte[] PROBABILITIES = ascii("\"probabilities\":");
    private static final byte[] VALUE = ascii("{\"value\":");
    private static final byte[] PREDICTION_ID = ascii("\"predictionId\":");
    private static final byte[] END = ascii("]}");

    private PredictionJson() {}

    /**
     * @param response the answer
     * @return its JSON text
     */
    public static String write(PredictResponse response) {
        var bytes = JsonBytes.forThread();
        return write(bytes, response) ? bytes.text() : Json.write(response);
    }

    /**
     * The answer as UTF-8 bytes ({@link JsonBytes}), ids encoded in place.
     *
     * @return false when something is not plain (a non-finite number, another value type, a lone surrogate): then
     *     Jackson writes the whole answer
     */
    private static boolean write(JsonBytes out, PredictResponse r) {
        if (r.model() == null || r.version() == null || r.predictions() == null) {
            return false;
        }
        if (!out.raw(MODEL).string(r.model()) || !out.raw(VERSION).string(r.version())) {
            return false;
        }
        if (r.requestId() != null && !out.raw(REQUEST_ID).string(r.requestId())) {
            return false;
        }
        out.raw(PREDICTIONS);
        var predictions = r.predictions();
        var ids = r.predictionIds();
        if (ids != null && ids.size() != predictions.size()) {
            return false;
        }
        var lazyIds = ids instanceof PredictionIds p ? p : null;
        for (int i = 0; i < predictions.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            boolean empty;
            switch (predictions.get(i)) {
                case Prediction.Classification c -> {
                    empty = c.label() == null && c.probabilities() == null;
                    if (c.label() != null && !scalar(out.raw(LABEL), c.label())) {
                        return false;
                    }
                    if (c.probabilities() != null) {
                        out.raw(c.label() == null ? '{' : ',').raw(PROBABILITIES);
                        if (!map(out, c.probabilities())) {
                            return false;
                        }
                    }
                }
                case Prediction.Regression g -> {
                    empty = g.value() == null;
                    if (g.value() != null) {
                        out.raw(VALUE);
                        if (!(g.value() instanceof Map<?, ?> m ? map(out, m) : scalar(out, g.value()))) {
                            return false;
                        }
                    }
                }
            }
            if (ids != null) {
                out.raw(empty ? '{' : ',').raw(PREDICTION_ID);
                if (lazyIds != null) {
                    out.string(lazyIds, i);
                } else if (!out.string(ids.get(i))) {
                    return false;
                }
            } else if (empty) {
                out.raw('{');
            }
            out.raw('}');
        }
        out.raw(END);
        return true;
    }

    private static boolean map(JsonBytes out, Map<?, ?> map) {
        out.raw('{');
        if (map instanceof ScoreRow row) {
            var labels = out.literals(row.labels());
            if (labels == null) {
                return false;
            }
            for (int k = 0; k < labels.length; k++) {
                float f = row.score(k);
                if (!Float.isFinite(f)) {
                    return false;
                }
                if (k > 0) {
                    out.raw(',');
                }
                out.raw(labels[k]).raw(':').plain(Float.toString(f));
            }
            out.raw('}');
            return true;
        }
        boolean first = true;
        for (var e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || e.getValue() == null) {
                return false;
            }
            if (!first) {
                out.raw(',');
            }
            first = false;
            if (!out.string(key) || !scalar(out.raw(':'), e.getValue())) {
                return false;
            }
        }
        out.raw('}');
        return true;
    }

    private static boolean scalar(JsonBytes out, Object value) {
        switch (value) {
            case String s -> {
                return out.string(s);
            }
            case Double d -> {
                if (!Double.isFinite(d)) {
                    return false;
                }
                out.plain(Double.toString(d));
            }
            case Long l -> out.plain(Long.toString(l));
            case Integer n -> out.plain(Integer.toString(n));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String literal) {
        return literal.getBytes(StandardCharsets.US_ASCII);
    }
}
