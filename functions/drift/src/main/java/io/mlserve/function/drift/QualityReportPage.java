package io.mlserve.function.drift;

import io.mlserve.core.quality.QualityReport;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Quality over time as one self-contained HTML page ({@code GET /models/{name}/quality/report}): no scripts, no
 * external styles or fonts. One inline-SVG line chart of the headline metric (accuracy for classifiers, MAE for
 * regressors), one line per version, each point a time bucket of labelled predictions with its 95% interval drawn as
 * a shaded band (and a whisker per point, so a single bucket's interval shows too); then a table of the same numbers.
 */
public final class QualityReportPage {
    /** One colour per version, in version order (production and canary are named in the legend). */
    private static final List<String> COLOURS = List.of("#1e88e5", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#ad1457");
    static final int WIDTH = 960;
    static final int HEIGHT = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 20;
    private static final int BOTTOM = 48;

    private QualityReportPage() {}

    /**
     * @param report what to draw
     * @return the page, UTF-8 text
     */
    public static String render(QualityReport report) {
        var html = new StringBuilder(16_384);
        String metricName = report.metric().equals("accuracy") ? "Accuracy" : "Mean absolute error";
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(report.model())).append(" — quality — mlserve</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<header class=\"banner\"><div class=\"kicker\">mlserve model quality</div><h1>").append(esc(report.model()))
                .append("</h1></header>\n<main>\n")
                .append("<p class=\"meta\">").append(esc(metricName)).append(" on labelled predictions made from ").append(esc(report.from()))
                .append(" to ").append(esc(report.to())).append(" (by prediction time), with 95% intervals");
        if (report.production() != null) {
            html.append(" · production: version ").append(esc(report.production()));
        }
        if (report.canary() != null) {
            html.append(" · canary: version ").append(esc(report.canary()));
        }
        html.append(" · made ").append(esc(report.createdAt())).append("</p>\n");
        if (report.series().isEmpty()) {
            html.append("<p class=\"headline\" id=\"empty\">No labelled predictions in this window: send feedback with "
                    + "POST /models/").append(esc(report.model())).append("/feedback.</p>\n</main>\n</body>\n</html>\n");
            return html.toString();
        }
        chart(html, report);
        table(html, report);
        html.append("</main>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void chart(StringBuilder html, QualityReport report) {
        long from = Instant.parse(report.from()).toEpochMilli();
        long to = Instant.parse(report.to()).toEpochMilli();
        boolean proportion = report.metric().equals("accuracy");
        double top = proportion ? 1 : 0;
        if (!proportion) {
            for (var s : report.series()) {
                for (var p : s.points()) {
                    top = Math.max(top, p.estimate().high());
                }
            }
            top = top <= 0 ? 1 : top * 1.1;
        }
        double yMax = top;
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        java.util.function.LongToDoubleFunction x = t -> LEFT + plotWidth * (t - from) / Math.max(1, to - from);
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotHeight * (1 - Math.min(Math.max(v, 0), yMax) / yMax);

        html.append("<section class=\"card\">\n<svg id=\"quality-chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" aria-label=\"")
                .append(esc(report.metric())).append(" over time per version\">\n");
        // axes and grid: five horizontal lines with their values, the window's ends on the time axis
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double gy = y.applyAsDouble(v);
            html.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, gy, WIDTH - RIGHT, gy))
                    .append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 8,
                            gy + 4, number(v)));
        }
        html.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">%s</text>", LEFT, HEIGHT - 24, esc(report.from())))
                .append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", WIDTH - RIGHT,
                        HEIGHT - 24, esc(report.to())));
        int colour = 0;
        for (var series : report.series()) {
            String c = COLOURS.get(colour++ % COLOURS.size());
            var points = series.points();
            var centre = new StringBuilder();
            var band = new StringBuilder();
            for (var p : points) {
                double px = x.applyAsDouble(mid(p));
                centre.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, y.applyAsDouble(p.estimate().value())));
                band.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, y.applyAsDouble(p.estimate().high())));
            }
            for (int i = points.size() - 1; i >= 0; i--) {
                band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(mid(points.get(i))), y.applyAsDouble(points.get(i).estimate().low())));
            }
            html.append("<g class=\"series\" data-version=\"").append(esc(series.version())).append("\">\n")
                    .append("<polygon class=\"band\" fill=\"").append(c).append("\" points=\"").append(band.toString().strip()).append("\"/>\n")
                    .append("<polyline class=\"line\" stroke=\"").append(c).append("\" points=\"").append(centre.toString().strip()).append("\"/>\n");
            for (var p : points) {
                // a whisker per point: the interval stays visible where the band has no width (a single bucket)
                html.append(String.format(Locale.ROOT, "<line class=\"whisker\" stroke=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                        c, x.applyAsDouble(mid(p)), y.applyAsDouble(p.estimate().low()), x.applyAsDouble(mid(p)), y.applyAsDouble(p.estimate().high())));
                html.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>version %s, %s–%s: %s [%s, %s] on %d labelled</title></circle>\n",
                        x.applyAsDouble(mid(p)), y.applyAsDouble(p.estimate().value()), c, esc(series.version()), esc(p.from()), esc(p.to()),
                        number(p.estimate().value()), number(p.estimate().low()), number(p.estimate().high()), p.labelled()));
            }
            html.append("</g>\n");
        }
        html.append("</svg>\n<ul class=\"legend\">");
        colour = 0;
        for (var series : report.series()) {
            String c = COLOURS.get(colour++ % COLOURS.size());
            String role = series.version().equals(report.production()) ? " (production)" : series.version().equals(report.canary()) ? " (canary)" : "";
            html.append("<li><span class=\"swatch\" style=\"background:").append(c).append("\"></span>version ").append(esc(series.version()))
                    .append(role).append("</li>");
        }
        html.append("</ul>\n</section>\n");
    }

    private static void table(StringBuilder html, QualityReport report) {
        html.append("<section class=\"card\"><table>\n<thead><tr><th>version</th><th>from</th><th>to</th><th>labelled</th><th>")
                .append(esc(report.metric())).append("</th><th>95% interval</th></tr></thead>\n<tbody>\n");
        for (var series : report.series()) {
            for (var p : series.points()) {
                html.append("<tr><td>").append(esc(series.version())).append("</td><td>").append(esc(p.from())).append("</td><td>")
                        .append(esc(p.to())).append("</td><td class=\"num\">").append(p.labelled()).append("</td><td class=\"num\">")
                        .append(number(p.estimate().value())).append("</td><td class=\"num\">[").append(number(p.estimate().low())).append(", ")
                        .append(number(p.estimate().high())).append("]</td></tr>\n");
            }
        }
        html.append("</tbody></table></section>\n");
    }

    private static long mid(QualityReport.Point p) {
        long a = Instant.parse(p.from()).toEpochMilli();
        long b = Instant.parse(p.to()).toEpochMilli();
        return a + (b - a) / 2;
    }

    private static String number(double v) {
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String esc(String s) {
        return DriftReportPage.esc(s);
    }

    private static final String CSS = """
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#f6f7f9}
            .banner{padding:22px 32px;color:#fff;background:#37474f}
            .kicker{font-size:13px;letter-spacing:.08em;text-transform:uppercase;opacity:.85}
            h1{margin:2px 0 0;font-size:28px}
            main{max-width:1040px;margin:0 auto;padding:16px 32px 48px}
            .meta{color:#57606a}.headline{font-size:18px}
            .card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:16px 0;overflow-x:auto}
            .grid{stroke:#e1e4e8;stroke-width:1}.axis{font-size:12px;fill:#57606a}
            .band{opacity:.18;stroke:none}.line{fill:none;stroke-width:2.2}.whisker{stroke-width:1.5;opacity:.55}
            .legend{list-style:none;padding:0;margin:8px 0 0;display:flex;gap:20px;flex-wrap:wrap}
            .swatch{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:6px;vertical-align:-2px}
            table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left}
            .num{text-align:right;font-variant-numeric:tabular-nums}
            """;
}
