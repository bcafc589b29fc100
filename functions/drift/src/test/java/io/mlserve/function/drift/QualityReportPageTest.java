package io.mlserve.function.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mlserve.core.quality.Estimate;
import io.mlserve.core.quality.QualityReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The quality page: self-contained, one line and band per version, rendered by a real headless Chromium. */
class QualityReportPageTest {

    static QualityReport report() {
        var from = Instant.parse("2026-12-03T12:00:00Z");
        var series = new ArrayList<QualityReport.Series>();
        for (var version : List.of("1", "2")) {
            var points = new ArrayList<QualityReport.Point>();
            for (int b = 0; b < 24; b += version.equals("1") ? 1 : 2) {
                double value = version.equals("1") ? 0.9 - b * 0.004 : 0.7;
                points.add(new QualityReport.Point(from.plus(Duration.ofHours(b)).toString(), from.plus(Duration.ofHours(b + 1)).toString(),
                        120, new Estimate(value, value - 0.05, Math.min(1, value + 0.05))));
            }
            series.add(new QualityReport.Series(version, points));
        }
        return new QualityReport("iris", from.toString(), from.plus(Duration.ofHours(24)).toString(), "accuracy", "1", "2", series,
                "2026-12-04T12:00:00Z");
    }

    @Test
    void render_shouldBeSelfContained_withOneSeriesPerVersion() {
        String html = QualityReportPage.render(report());

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        assertThat(DriftReportPageTest.count(html, "class=\"series\"")).isEqualTo(2);
        assertThat(DriftReportPageTest.count(html, "class=\"band\"")).isEqualTo(2);
        assertThat(DriftReportPageTest.count(html, "<circle")).isEqualTo(24 + 12);
        assertThat(html).contains("version 1 (production)").contains("version 2 (canary)");
    }

    @Test
    void render_shouldSayNothingIsLabelled_whenNoSeries() {
        var empty = new QualityReport("iris", "2026-12-03T12:00:00Z", "2026-12-04T12:00:00Z", "accuracy", "1", null, List.of(), "t");

        assertThat(QualityReportPage.render(empty)).contains("No labelled predictions").doesNotContain("<svg");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void page_shouldRenderInHeadlessChromium_withTheChart() throws Exception {
        assumeTrue(Files.isExecutable(DriftReportPageTest.CHROMIUM), "Chromium is not installed: the browser check is skipped");
        // GIVEN the page written to target/
        Path target = Path.of("target").toAbsolutePath();
        Path page = target.resolve("quality-report.html");
        Path png = target.resolve("quality-report.png");
        Files.writeString(page, QualityReportPage.render(report()), StandardCharsets.UTF_8);
        Files.deleteIfExists(png);

        // WHEN Chromium renders it: a screenshot (kept as the test artifact) and the DOM it built
        DriftReportPageTest.run(target, "--screenshot=" + png, "--window-size=1100,1400", page.toUri().toString());
        String dom = DriftReportPageTest.run(target, "--dump-dom", page.toUri().toString());

        // THEN
        assertThat(DriftReportPageTest.count(dom, "<svg")).isEqualTo(1);
        assertThat(DriftReportPageTest.count(dom, "<polyline")).isEqualTo(2);
        assertThat(DriftReportPageTest.count(dom, "<polygon")).isEqualTo(2);
        assertThat(dom).contains("quality-chart").contains("version 2 (canary)");
        assertThat(Files.size(png)).as("screenshot bytes").isGreaterThan(20_000);
    }
}
