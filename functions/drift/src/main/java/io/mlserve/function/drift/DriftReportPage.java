package io.mlserve.function.drift;

import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReport.FeatureDrift;
import io.mlserve.core.drift.DriftReport.Histogram;
import io.mlserve.core.drift.DriftReport.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The drift report as one self-contained HTML page ({@code GET /models/{name}/drift/report}): no scripts,
 * no external styles, fonts or images; charts are inline SVG. Title and banner carry model, version and
 * verdict; a table ranks the features worst first; then one card per feature (same order) with its scores
 * and one chart: baseline and current histograms side by side, as shares on a common scale, the
 * baseline's shares marked on the current bars.
 */
public final class DriftReportPage {
    /** Most bins a chart draws; a categorical feature with more shows its largest and one "other" bin. */
    static final int MAX_BARS = 20;

    private static final String DRIFTED = "#c62828";
    private static final String STABLE = "#2e7d32";
    private static final String UNJUDGED = "#6d6d6d";
    private static final String BASELINE_BAR = "#90a4ae";
    private static final String CURRENT_BAR = "#1e88e5";

    private DriftReportPage() {}

    /**
     * @param report a drift report
     * @return the page, UTF-8 text
     */
    public static String render(DriftReport report) {
        var ranked = report.worstFirst();
        var html = new StringBuilder(16_384);
        String verdict = report.verdict().spelling();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(report.model())).append(" v").append(esc(report.version()))
                .append(" — ").append(verdict).append(" — mlserve drift</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");

        // banner: what and the verdict, readable from across the room
        html.append("<header class=\"banner ").append(verdictClass(report.verdict())).append("\">\n")
                .append("<div><div class=\"kicker\">mlserve drift report</div><h1>").append(esc(report.model()))
                .append(" <span class=\"version\">version ").append(esc(report.version())).append("</span></h1></div>\n")
                .append("<div class=\"verdict\" id=\"verdict\">").append(verdict.toUpperCase(Locale.ROOT)).append("</div>\n")
                .append("</header>\n<main>\n");

        html.append("<p class=\"meta\">").append(String.format(Locale.ROOT, "%,d", report.samples())).append(" rows");
        var w = report.window();
        if (w != null) {
            if (w.from() != null && w.to() != null) {
                html.append(" from ").append(esc(w.from())).append(" to ").append(esc(w.to()));
            }
            var limits = new ArrayList<String>();
            if (w.hours() != null) {
                limits.add("last " + w.hours() + " h");
            }
            if (w.lastRows() != null) {
                limits.add(String.format(Locale.ROOT, "at most %,d rows", w.lastRows()));
            }
            if (!limits.isEmpty()) {
                html.append(" (window: ").append(String.join(", ", limits)).append(")");
            }
        }
        html.append(" · checked ").append(esc(report.createdAt())).append("</p>\n");

        long drifted = ranked.stream().filter(FeatureDrift::drifted).count();
        html.append("<p class=\"headline\">");
        if (report.verdict() == Verdict.DRIFT) {
            html.append("<strong>").append(drifted).append(" of ").append(ranked.size()).append("</strong> drifted: ")
                    .append(esc(String.join(", ", report.driftedFeatures()))).append('.');
        } else if (report.verdict() == Verdict.NO_DRIFT) {
            html.append("No feature drifted.");
        } else {
            html.append("Not enough data to judge.");
        }
        if (report.reason() != null) {
            html.append(" <span class=\"reason\">").append(esc(report.reason())).append("</span>");
        }
        html.append("</p>\n");

        if (!ranked.isEmpty()) {
            summaryTable(html, ranked);
            html.append("<section class=\"cards\">\n");
            for (var f : ranked) {
                card(html, f);
            }
            html.append("</section>\n");
        }
        html.append("<footer>A feature drifts when its p-value is below its significance level and its effect size ")
                .append("(KS statistic or Cramér's V) or its PSI exceeds its threshold. Charts show shares of rows per bin; ")
                .append("the dark ticks on the current bars mark the baseline's shares.</footer>\n")
                .append("</main>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void summaryTable(StringBuilder html, List<FeatureDrift> ranked) {
        html.append("<table class=\"summary\">\n<thead><tr><th>feature</th><th>status</th><th>test</th>")
                .append("<th>statistic</th><th>p-value</th><th>effect size</th><th>PSI</th><th>rows</th></tr></thead>\n<tbody>\n");
        for (var f : ranked) {
            html.append("<tr class=\"").append(statusClass(f)).append("\"><td><a href=\"#f-").append(anchor(f.name())).append("\">")
                    .append(esc(f.name())).append("</a></td><td><span class=\"pill\">").append(status(f)).append("</span></td><td>")
                    .append(f.test()).append("</td><td>").append(fixed(f.statistic(), 4)).append("</td><td>")
                    .append(pValue(f.pValue())).append("</td><td>").append(scoreVsThreshold(f.effectSize(), effectThreshold(f)))
                    .append("</td><td>").append(scoreVsThreshold(f.psi(), f.thresholds() == null ? null : f.thresholds().psi()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%,d", f.samples())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void card(StringBuilder html, FeatureDrift f) {
        html.append("<article class=\"card ").append(statusClass(f)).append("\" id=\"f-").append(anchor(f.name())).append("\">\n")
                .append("<h2>").append(esc(f.name())).append(" <span class=\"pill\">").append(status(f)).append("</span>")
                .append(" <span class=\"kind\">").append(f.kind()).append(" · ").append(f.test()).append("</span></h2>\n");
        if (f.evaluable()) {
            html.append("<p class=\"scores\">")
                    .append("ks".equals(f.test()) ? "KS D " : "χ² ").append(fixed(f.statistic(), "ks".equals(f.test()) ? 4 : 2))
                    .append(" · p ").append(pValue(f.pValue()))
                    .append(" · ").append("ks".equals(f.test()) ? "effect (D) " : "Cramér's V ")
                    .append(scoreVsThreshold(f.effectSize(), effectThreshold(f)))
                    .append(" · PSI ").append(scoreVsThreshold(f.psi(), f.thresholds().psi()))
                    .append(" · α ").append(f.thresholds().pValue()).append("</p>\n");
        } else {
            html.append("<p class=\"scores\">Not judged: ").append(esc(f.reason())).append("</p>\n");
        }
        if (f.baseline() != null && f.current() != null) {
            chart(html, f);
        }
        html.append("</article>\n");
    }

    // ---------------------------------------------------------------- the chart

    private static final int PANEL_W = 300;
    private static final int PANEL_H = 230;
    private static final int LEFT = 56;
    private static final int TOP = 26;
    private static final int BOTTOM = 66;
    private static final int GAP = 28;
    /** Rough width of one character of an 11px label, to decide whether labels fit upright. */
    private static final double CHAR_W = 6.4;

    private static void chart(StringBuilder html, FeatureDrift f) {
        var bars = bars(f.baseline(), f.current());
        long baseCount = bars.stream().mapToLong(b -> b.baseline).sum();
        long currentCount = bars.stream().mapToLong(b -> b.current).sum();
        double baseTotal = Math.max(1, baseCount);
        double currentTotal = Math.max(1, currentCount);
        double max = 0;
        for (var b : bars) {
            max = Math.max(max, Math.max(b.baseline / baseTotal, b.current / currentTotal));
        }
        double top = niceCeiling(max);
        int width = 2 * PANEL_W + GAP;
        html.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(' ')
                .append(PANEL_H).append("\" role=\"img\" aria-label=\"").append(esc(f.name()))
                .append(": baseline and current histograms\">\n");
        panel(html, 0, "baseline", baseCount, bars, true, baseTotal, currentTotal, top, BASELINE_BAR);
        String currentColour = f.drifted() ? DRIFTED : CURRENT_BAR;
        panel(html, PANEL_W + GAP, "current", currentCount, bars, false, baseTotal, currentTotal, top, currentColour);
        html.append("</svg>\n");
    }

    private static void panel(StringBuilder html, int x0, String title, long total, List<Bar> bars, boolean baseline,
            double baseTotal, double currentTotal, double top, String colour) {
        int plotW = PANEL_W - LEFT - 6;
        int plotH = PANEL_H - TOP - BOTTOM;
        int left = x0 + LEFT;
        int bottom = TOP + plotH;
        html.append("<g class=\"panel ").append(title).append("\">\n");
        html.append(text(x0 + LEFT, 16, title + " (" + String.format(Locale.ROOT, "%,d", total) + ")", "panel-title", "start"));
        for (int i = 0; i <= 2; i++) { // gridlines at 0, top/2, top
            double share = top * i / 2;
            double y = bottom - plotH * share / top;
            html.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>%n",
                    left, y, left + plotW, y));
            html.append(text(left - 4, y + 4, percent(share), "axis", "end"));
        }
        double slot = (double) plotW / bars.size();
        double barW = Math.max(2, slot * 0.78);
        boolean upright = bars.stream().allMatch(b -> shorten(b.label).length() * CHAR_W <= slot - 4);
        for (int i = 0; i < bars.size(); i++) {
            var b = bars.get(i);
            double share = (baseline ? b.baseline / baseTotal : b.current / currentTotal);
            double h = plotH * share / top;
            double x = left + i * slot + (slot - barW) / 2;
            html.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
                    x, bottom - h, barW, h, colour))
                    .append("<title>").append(esc(b.label)).append(": ").append(percent(share)).append(" (")
                    .append(baseline ? b.baseline : b.current).append(")</title></rect>\n");
            if (!baseline) { // the baseline's share on the current bar: what moved, at a glance
                double by = bottom - plotH * (b.baseline / baseTotal) / top;
                html.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>%n",
                        x - 1, by, x + barW + 1, by));
            }
            double lx = left + i * slot + slot / 2;
            if (upright) {
                html.append(text(lx, bottom + 15, shorten(b.label), "bin", "middle"));
            } else {
                html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"bin\" text-anchor=\"end\" "
                        + "transform=\"rotate(-35 %.1f %d)\">%s</text>%n", lx, bottom + 12, lx, bottom + 12, esc(shorten(b.label))));
            }
        }
        html.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axisline\"/>%n",
                left, bottom, left + plotW, bottom));
        if (total == 0) {
            html.append(text(left + plotW / 2.0, TOP + plotH / 2.0, "no values", "empty", "middle"));
        }
        html.append("</g>\n");
    }

    private record Bar(String label, long baseline, long current) {}

    /** Bins as drawn: all of them, or for many categories the largest {@value #MAX_BARS} - 1 and "other". */
    private static List<Bar> bars(Histogram baseline, Histogram current) {
        var bars = new ArrayList<Bar>();
        int n = Math.min(baseline.bins().size(), Math.min(baseline.counts().size(), current.counts().size()));
        for (int i = 0; i < n; i++) {
            bars.add(new Bar(baseline.bins().get(i), baseline.counts().get(i), current.counts().get(i)));
        }
        if (bars.size() <= MAX_BARS || baseline.edges() != null) {
            return bars;
        }
        long baseTotal = Math.max(1, bars.stream().mapToLong(Bar::baseline).sum());
        long currentTotal = Math.max(1, bars.stream().mapToLong(Bar::current).sum());
        bars.sort(Comparator.comparingDouble((Bar b) -> Math.max((double) b.baseline / baseTotal, (double) b.current / currentTotal))
                .reversed());
        var shown = new ArrayList<>(bars.subList(0, MAX_BARS - 1));
        var rest = bars.subList(MAX_BARS - 1, bars.size());
        shown.add(new Bar("other (" + rest.size() + ")", rest.stream().mapToLong(Bar::baseline).sum(),
                rest.stream().mapToLong(Bar::current).sum()));
        return shown;
    }

    private static double niceCeiling(double max) {
        if (max <= 0) {
            return 0.1;
        }
        for (double step : new double[] {0.05, 0.1, 0.2, 0.25, 0.5, 1.0}) {
            if (max <= step) {
                return step;
            }
        }
        return 1.0;
    }

    private static String text(double x, double y, String content, String cls, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"%s\">%s</text>%n",
                x, y, cls, anchor, esc(content));
    }

    // ---------------------------------------------------------------- words and numbers

    private static String status(FeatureDrift f) {
        return !f.evaluable() ? "not judged" : f.drifted() ? "drifted" : "stable";
    }

    private static String statusClass(FeatureDrift f) {
        return !f.evaluable() ? "unjudged" : f.drifted() ? "drifted" : "stable";
    }

    private static String verdictClass(Verdict v) {
        return switch (v) {
            case DRIFT -> "drifted";
            case NO_DRIFT -> "stable";
            case INSUFFICIENT_DATA -> "unjudged";
        };
    }

    private static Double effectThreshold(FeatureDrift f) {
        if (f.thresholds() == null) {
            return null;
        }
        return "ks".equals(f.test()) ? f.thresholds().ks() : f.thresholds().chi2();
    }

    private static String scoreVsThreshold(Double score, Double threshold) {
        if (score == null) {
            return "–";
        }
        String s = fixed(score, 3);
        if (threshold == null) {
            return s;
        }
        return score > threshold ? "<b>" + s + "</b> &gt; " + threshold : s + " ≤ " + threshold;
    }

    private static String fixed(Double x, int digits) {
        return x == null ? "–" : String.format(Locale.ROOT, "%." + digits + "f", x);
    }

    private static String pValue(Double p) {
        if (p == null) {
            return "–";
        }
        if (p < 1e-16) {
            return "&lt; 1e-16";
        }
        return p >= 0.001 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.1e", p);
    }

    private static String percent(double share) {
        double pct = share * 100;
        return pct == Math.rint(pct) ? String.format(Locale.ROOT, "%.0f%%", pct) : String.format(Locale.ROOT, "%.1f%%", pct);
    }

    private static String shorten(String label) {
        return label.length() <= 15 ? label : label.substring(0, 14) + "…";
    }

    private static String anchor(String name) {
        var out = new StringBuilder();
        for (char c : name.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }
        return out.toString();
    }

    /**
     * @param s text, or null
     * @return it escaped for HTML text and attribute values
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        var out = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            :root{--drift:%s;--stable:%s;--unjudged:%s}
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#f6f7f9}
            .banner{display:flex;justify-content:space-between;align-items:center;padding:22px 32px;color:#fff}
            .banner.drifted{background:var(--drift)}.banner.stable{background:var(--stable)}.banner.unjudged{background:var(--unjudged)}
            .kicker{font-size:13px;letter-spacing:.08em;text-transform:uppercase;opacity:.85}
            h1{margin:2px 0 0;font-size:30px}.version{font-weight:400;opacity:.9}
            .verdict{font-size:30px;font-weight:800;letter-spacing:.04em;border:3px solid #fff;border-radius:10px;padding:6px 18px}
            main{padding:8px 32px 32px;max-width:1240px}
            .meta{color:#57606a;margin:14px 0 4px}.headline{font-size:18px;margin:4px 0 16px}.reason{color:#57606a;font-size:15px}
            table.summary{border-collapse:collapse;width:100%%;background:#fff;border:1px solid #d0d7de;margin-bottom:22px}
            .summary th,.summary td{padding:6px 10px;border-bottom:1px solid #eaeef2;text-align:right;font-variant-numeric:tabular-nums}
            .summary th:first-child,.summary td:first-child,.summary th:nth-child(2),.summary td:nth-child(2),.summary td:nth-child(3){text-align:left}
            .summary th{background:#f0f2f4;font-weight:600}
            .summary a{color:inherit;font-weight:600}
            .pill{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:700;color:#fff;vertical-align:middle}
            .drifted .pill{background:var(--drift)}.stable .pill{background:var(--stable)}.unjudged .pill{background:var(--unjudged)}
            tr.drifted td{background:#fdecea}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:16px}
            .card{background:#fff;border:1px solid #d0d7de;border-left:6px solid var(--stable);border-radius:8px;padding:12px 16px}
            .card.drifted{border-left-color:var(--drift)}.card.unjudged{border-left-color:var(--unjudged)}
            .card h2{margin:0 0 4px;font-size:19px}.kind{font-size:13px;font-weight:400;color:#57606a}
            .scores{margin:0 0 6px;color:#1f2328;font-variant-numeric:tabular-nums}
            svg.chart{width:100%%;height:auto;display:block}
            svg .grid{stroke:#e3e6ea;stroke-width:1}svg .axisline{stroke:#8c959f;stroke-width:1}
            svg .tick{stroke:#1f2328;stroke-width:2}
            svg text{font:11px system-ui,sans-serif;fill:#57606a}svg .panel-title{font-size:13px;font-weight:600;fill:#1f2328}
            svg .empty{font-size:14px;fill:#8c959f}
            footer{margin-top:22px;color:#57606a;font-size:13px}
            """.formatted(DRIFTED, STABLE, UNJUDGED);
}
