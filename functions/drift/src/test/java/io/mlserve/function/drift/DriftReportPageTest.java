package io.mlserve.function.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.drift.DriftAnalyzer;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReport.FeatureDrift;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTML report: self-contained, worst first, and rendered by a real headless Chromium. */
class DriftReportPageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final ModelRef REF = new ModelRef("telco-churn", "3");
    static final List<Feature> FEATURES = List.of(
            feature("tenure", FeatureType.DOUBLE), feature("monthly_charges", FeatureType.DOUBLE),
            feature("contract", FeatureType.STRING), feature("region", FeatureType.STRING),
            feature("support_calls", FeatureType.INT64));
    static final String[] CONTRACTS = {"month-to-month", "one-year", "two-year", "<weekly & \"trial\">"};
    static final String[] REGIONS = {"north", "south", "east", "west"};

    static Feature feature(String name, FeatureType type) {
        return new Feature(name, type, null, null, null, null, null);
    }

    /** Rows of a churn model; {@code shifted} moves tenure and the contract mix (with an unseen contract). */
    static List<String[]> rows(int n, long seed, boolean shifted) {
        var random = new Random(seed);
        var rows = new ArrayList<String[]>();
        for (int i = 0; i < n; i++) {
            double tenure = Math.max(0, 30 + 18 * random.nextGaussian() + (shifted ? 12 : 0));
            double monthly = 70 + 25 * random.nextGaussian();
            double u = random.nextDouble();
            String contract = shifted
                    ? (u < 0.35 ? CONTRACTS[0] : u < 0.55 ? CONTRACTS[1] : u < 0.75 ? CONTRACTS[2] : CONTRACTS[3])
                    : (u < 0.55 ? CONTRACTS[0] : u < 0.80 ? CONTRACTS[1] : CONTRACTS[2]);
            String region = REGIONS[random.nextInt(REGIONS.length)];
            String calls = shifted ? "" : Integer.toString(random.nextInt(6)); // not logged any more in the shifted window
            rows.add(new String[] {num(tenure), num(monthly), contract, region, calls});
        }
        return rows;
    }

    static String num(double x) {
        return String.format(java.util.Locale.ROOT, "%.2f", x);
    }

    static List<Prediction> predict(List<String[]> rows) {
        return rows.stream().<Prediction>map(r -> new Prediction.Classification(
                Double.parseDouble(r[1]) > 95 ? "yes" : "no", Map.of())).toList();
    }

    static DriftReport report() {
        var reference = rows(5_000, 1, false);
        Baseline baseline = BaselineBuilder.build(REF, "training", "s3://mlserve-data/training/telco-churn/",
                "2026-11-23T08:00:00Z", FEATURES, reference, Task.CLASSIFICATION, predict(reference));
        var current = rows(3_000, 2, true);
        var window = new DriftReport.Window(24, 10_000, "2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z");
        return DriftAnalyzer.analyze(REF, baseline, DriftConfig.defaults(), current, new ArrayList<>(predict(current)), window,
                Clock.fixed(Instant.parse("2026-11-24T12:00:05Z"), ZoneOffset.UTC));
    }

    static long charts(DriftReport report) {
        return report.worstFirst().stream().filter(f -> f.baseline() != null && f.current() != null).count();
    }

    @Test
    void render_shouldBeSelfContained_withVerdictInTitle_andWorstFeaturesFirst() {
        // GIVEN tenure and contract drifted, monthly_charges/region stable, support_calls missing from the rows
        var report = report();
        assertThat(report.driftedFeatures()).containsExactlyInAnyOrder("tenure", "contract");

        // WHEN
        String html = DriftReportPage.render(report);

        // THEN nothing is fetched from elsewhere
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(").doesNotContain("src=");
        assertThat(Pattern.compile("href=\"(?!#)").matcher(html).find()).as("only in-page links").isFalse();
        assertThat(html).contains("<title>telco-churn v3 — drift — mlserve drift</title>");
        assertThat(html).contains("<div class=\"verdict\" id=\"verdict\">DRIFT</div>");
        // worst first: the drifted features lead the table and the cards, the unjudged one comes last
        var order = report.worstFirst().stream().map(FeatureDrift::name).toList();
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("tenure", "contract");
        assertThat(order.get(order.size() - 1)).isEqualTo("support_calls");
        int previous = -1;
        for (var name : order) {
            int at = html.indexOf("id=\"f-" + name + "\"");
            assertThat(at).as(name).isGreaterThan(previous);
            previous = at;
        }
        // one chart per feature with histograms; hostile category text is escaped
        assertThat(count(html, "<svg")).isEqualTo(charts(report)).isEqualTo(6);
        assertThat(html).contains("&lt;weekly &amp; &quot;trial&quot;&gt;").doesNotContain("<weekly");
        assertThat(html).contains("Not judged: no value in the 3000 rows");
    }

    @Test
    void render_shouldSayInsufficientData_withoutCharts_whenThereIsNoBaseline() {
        var report = DriftAnalyzer.analyze(REF, null, DriftConfig.defaults(), List.of(), List.of(),
                new DriftReport.Window(24, null, null, null), Clock.systemUTC());

        String html = DriftReportPage.render(report);

        assertThat(html).contains("INSUFFICIENT-DATA").contains("version 3 has no baseline").doesNotContain("<svg");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void page_shouldRenderInHeadlessChromium_withOneSvgPerFeatureChart() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM + ": the browser check is skipped");
        // GIVEN the page written to target/
        var report = report();
        Path target = Path.of("target").toAbsolutePath();
        Path page = target.resolve("drift-report.html");
        Path png = target.resolve("drift-report.png");
        Files.writeString(page, DriftReportPage.render(report), StandardCharsets.UTF_8);
        Files.deleteIfExists(png);

        // WHEN Chromium renders it: a screenshot (kept as the test artifact) and the DOM it built
        run(target, "--screenshot=" + png, "--window-size=1280,2000", page.toUri().toString());
        String dom = run(target, "--dump-dom", page.toUri().toString());

        // THEN
        assertThat(count(dom, "<svg")).isEqualTo(charts(report));
        assertThat(dom).contains("DRIFT").contains("tenure").contains("contract");
        assertThat(count(dom, "<rect")).isGreaterThan(40);
        assertThat(png).exists();
        assertThat(Files.size(png)).as("screenshot bytes").isGreaterThan(40_000);
    }

    /** Runs Chromium headless with its own profile (other builds may run one at the same time); returns stdout. */
    static String run(Path target, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory(target, "chromium-profile")));
        command.addAll(List.of(args));
        var log = target.resolve("chromium.log").toFile();
        var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish in 120 s: " + command);
        }
        assertThat(process.exitValue()).as("Chromium exit code (stderr in %s)", log).isZero();
        return out;
    }

    static long count(String text, String needle) {
        long n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
