package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /docs} on the deployed stack, as a person sees it: headless Chromium loads the page
 * without a key, and the rendered DOM must show every operation of {@code docs/openapi.yaml} and
 * load nothing from elsewhere; a screenshot ({@code target/docs-page.png}) must show a real page.
 * Needs Chromium ({@code /usr/bin/chromium} or {@code chromium} on PATH; localstack/setup.sh
 * installs Debian's): without it the test fails, it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsPageE2ET {
    static final Path SPEC = Path.of("..", "docs", "openapi.yaml");
    static final Path SCREENSHOT = Path.of("target", "docs-page.png");
    static final int WIDTH = 1280;
    static final int HEIGHT = 2000;
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head");
    /** An attribute that makes a browser fetch or navigate off the page: src, href, … = "http(s)://…" or "//…". */
    private static final Pattern EXTERNAL_REFERENCE =
            Pattern.compile("(?i)\\b(src|href|action|formaction|poster|data|srcset|background)\\s*=\\s*[\"']?\\s*(https?:)?//");

    private String docsUrl;

    @BeforeAll
    void locate() throws IOException {
        docsUrl = Emulator.fromOutputs().apiUrl + "docs";
    }

    @Test
    void docs_shouldBeServedWithoutAKey_asHtmlAndTheRepositorysSpec() throws Exception {
        // GIVEN no x-api-key: both routes are public
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        // WHEN
        var page = http.send(HttpRequest.newBuilder(URI.create(docsUrl)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        var yaml = http.send(HttpRequest.newBuilder(URI.create(docsUrl + "/openapi.yaml")).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // THEN
        assertThat(page.body()).doesNotContain(Emulator.MOCK_MARKER);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(page.body()).startsWith("<!DOCTYPE html>");
        assertThat(yaml.statusCode()).as(yaml.body()).isEqualTo(200);
        assertThat(yaml.body()).isEqualTo(Files.readString(SPEC));
    }

    @Test
    void docsPage_shouldShowEveryOperation_whenRenderedInHeadlessChromium() throws Exception {
        // WHEN the browser has loaded the page and serialised its DOM
        var dom = Chromium.find().dumpDom(docsUrl);

        // THEN
        assertShowsEveryOperation(dom, documentedRoutes());
    }

    @Test
    void docsPage_shouldRenderAVisiblePage_inAScreenshot() throws Exception {
        // WHEN
        Chromium.find().screenshot(docsUrl, SCREENSHOT, WIDTH, HEIGHT);

        // THEN
        assertNonTrivialPng(SCREENSHOT, WIDTH, HEIGHT);
    }

    /** "METHOD /path" for every operation of docs/openapi.yaml. */
    static List<String> documentedRoutes() throws IOException {
        var spec = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile());
        var routes = new ArrayList<String>();
        spec.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (HTTP_METHODS.contains(op.getKey())) {
                routes.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        assertThat(routes).as("operations in %s", SPEC).isNotEmpty();
        return routes;
    }

    static void assertShowsEveryOperation(String dom, List<String> routes) {
        assertThat(dom).doesNotContain(Emulator.MOCK_MARKER);
        assertThat(dom).as("a rendered page").contains("<html", "</body>");
        var missing = new ArrayList<String>();
        for (var route : routes) {
            var method = route.substring(0, route.indexOf(' '));
            var path = route.substring(route.indexOf(' ') + 1);
            // its block, and its method and path as visible text in the block's heading
            if (!dom.contains("data-route=\"" + route + "\"")
                    || !dom.contains(">" + method + "</span> <code class=\"path\">" + path + "</code>")) {
                missing.add(route);
            }
        }
        assertThat(missing).as("operations of docs/openapi.yaml the rendered page does not show").isEmpty();
        assertThat(dom).as("no script at all").doesNotContainIgnoringCase("<script");
        assertThat(dom).doesNotContainIgnoringCase("<link").doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
        var external = EXTERNAL_REFERENCE.matcher(dom);
        assertThat(external.find()).as("an external reference at %s", external.hitEnd() ? "-" : dom.substring(
                Math.max(0, external.start() - 80), Math.min(dom.length(), external.end() + 80))).isFalse();
    }

    /** The file is a PNG of the window's size that is neither blank nor one colour: a page was drawn. */
    static void assertNonTrivialPng(Path png, int width, int height) throws IOException {
        assertThat(png).exists();
        var bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("PNG size").isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).as("PNG signature").isEqualTo("PNG");
        var image = ImageIO.read(png.toFile());
        assertThat(image).as("decodable").isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        var background = image.getRGB(0, 0);
        var colours = new HashSet<Integer>();
        long drawn = 0;
        long sampled = 0;
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                var rgb = image.getRGB(x, y);
                colours.add(rgb);
                drawn += rgb != background ? 1 : 0;
                sampled++;
            }
        }
        assertThat(colours.size()).as("distinct colours (text, badges, tables)").isGreaterThan(16);
        assertThat((double) drawn / sampled).as("share of pixels that differ from the background").isGreaterThan(0.02);
    }

    /** Debian's Chromium, headless, each run in its own throw-away profile and bounded in time. */
    record Chromium(Path binary) {
        static final Duration TIMEOUT = Duration.ofSeconds(120);

        /** @return /usr/bin/chromium, or chromium on PATH; fails (never skips) without one */
        static Chromium find() {
            var candidates = new ArrayList<Path>(List.of(Path.of("/usr/bin/chromium")));
            var path = System.getenv("PATH");
            if (path != null) {
                for (var dir : path.split(java.io.File.pathSeparator)) {
                    if (!dir.isBlank()) {
                        candidates.add(Path.of(dir, "chromium"));
                    }
                }
            }
            return candidates.stream().filter(Files::isExecutable).findFirst().map(Chromium::new).orElseThrow(() ->
                    new AssertionError("headless Chromium is needed (/usr/bin/chromium or chromium on PATH): "
                            + "localstack/setup.sh installs it (apt-get install chromium)"));
        }

        /** @return the page's DOM after load, serialised */
        String dumpDom(String url) throws IOException, InterruptedException {
            return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
        }

        void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.deleteIfExists(png);
            run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                    "--screenshot=" + png.toAbsolutePath(), url));
        }

        private byte[] run(List<String> args) throws IOException, InterruptedException {
            var profile = Files.createTempDirectory("mlserve-chromium-");
            var stdout = Files.createTempFile("mlserve-chromium-", ".out");
            var stderr = Files.createTempFile("mlserve-chromium-", ".err");
            var command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile));
            command.addAll(args);
            try {
                var process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError("Chromium did not finish within " + TIMEOUT + ": " + command + "\n" + tail(stderr));
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("Chromium exited with " + process.exitValue() + ": " + command + "\n" + tail(stderr));
                }
                return Files.readAllBytes(stdout);
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
                deleteTree(profile);
            }
        }

        private static String tail(Path file) throws IOException {
            var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }

        private static void deleteTree(Path root) throws IOException {
            try (Stream<Path> paths = Files.walk(root)) {
                for (var p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
