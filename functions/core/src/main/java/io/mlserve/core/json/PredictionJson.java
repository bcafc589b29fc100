package io.mlserve.core.json;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.ScoreRow;
import io.mlserve.core.serving.PredictionService.PredictResponse;
import java.util.Map;

/**
 * Writes the predict answer by hand, byte for byte what {@link Json#write} writes for a
 * {@link PredictResponse} (field order, nulls left out, numbers as {@link Double#toString}), without
 * Jackson's per-call serializer lookups and boxing. A {@link ScoreRow}'s floats are written as
 * {@link Float#toString}, the same text as their {@code Decimals.shortest} double. Anything
 * unexpected (a non-finite number, another value type) is left to Jackson.
 */
public final class PredictionJson {
    private static final String HEX = "0123456789ABCDEF";

    private PredictionJson() {}

    /**
     * @param response the answer
     * @return its JSON text
     */
    public static String write(PredictResponse response) {
        var sb = new StringBuilder(128 + response.predictions().size() * 64);
        if (!append(sb, response)) {
            return Json.write(response);
        }
        return sb.toString();
    }

    private static boolean append(StringBuilder sb, PredictResponse r) {
        if (r.model() == null || r.version() == null || r.predictions() == null) {
            return false;
        }
        sb.append("{\"model\":");
        string(sb, r.model());
        sb.append(",\"version\":");
        string(sb, r.version());
        if (r.requestId() != null) {
            sb.append(",\"requestId\":");
            string(sb, r.requestId());
        }
        sb.append(",\"predictions\":[");
        var predictions = r.predictions();
        var ids = r.predictionIds();
        if (ids != null && ids.size() != predictions.size()) {
            return false;
        }
        for (int i = 0; i < predictions.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            switch (predictions.get(i)) {
                case Prediction.Classification c -> {
                    sb.append('{');
                    boolean first = true;
                    if (c.label() != null) {
                        sb.append("\"label\":");
                        if (!scalar(sb, c.label())) {
                            return false;
                        }
                        first = false;
                    }
                    if (c.probabilities() != null) {
                        sb.append(first ? "" : ",").append("\"probabilities\":");
                        if (!map(sb, c.probabilities())) {
                            return false;
                        }
                        first = false;
                    }
                    if (ids != null) {
                        sb.append(first ? "" : ",").append("\"predictionId\":");
                        string(sb, ids.get(i));
                    }
                    sb.append('}');
                }
                case Prediction.Regression g -> {
                    sb.append('{');
                    if (g.value() != null) {
                        sb.append("\"value\":");
                        boolean ok = g.value() instanceof Map<?, ?> m ? map(sb, m) : scalar(sb, g.value());
                        if (!ok) {
                            return false;
                        }
                    }
                    if (ids != null) {
                        sb.append(g.value() != null ? "," : "").append("\"predictionId\":");
                        string(sb, ids.get(i));
                    }
                    sb.append('}');
                }
            }
        }
        sb.append("]}");
        return true;
    }

    private static boolean map(StringBuilder sb, Map<?, ?> map) {
        sb.append('{');
        if (map instanceof ScoreRow row) {
            for (int k = 0; k < row.width(); k++) {
                float f = row.score(k);
                if (!Float.isFinite(f)) {
                    return false;
                }
                if (k > 0) {
                    sb.append(',');
                }
                string(sb, row.label(k));
                sb.append(':').append(Float.toString(f));
            }
            sb.append('}');
            return true;
        }
        boolean first = true;
        for (var e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || e.getValue() == null) {
                return false;
            }
            sb.append(first ? "" : ",");
            first = false;
            string(sb, key);
            sb.append(':');
            if (!scalar(sb, e.getValue())) {
                return false;
            }
        }
        sb.append('}');
        return true;
    }

    private static boolean scalar(StringBuilder sb, Object value) {
        switch (value) {
            case String s -> string(sb, s);
            case Double d -> {
                if (!Double.isFinite(d)) {
                    return false;
                }
                sb.append(Double.toString(d));
            }
            case Long l -> sb.append(l.longValue());
            case Integer n -> sb.append(n.intValue());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** JSON string literal with Jackson's escapes: {@code \"}, {@code \\}, the short forms, a six-character escape for other controls. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append("\\u00").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 15));
            }
        }
        sb.append('"');
    }
}
