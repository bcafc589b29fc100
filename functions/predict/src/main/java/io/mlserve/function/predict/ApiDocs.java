package io.mlserve.function.predict;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /docs/openapi.yaml} and {@code GET /docs}: the OpenAPI description of the API (the
 * repository's {@code docs/openapi.yaml}, copied into the jar at build time) and a static HTML page
 * rendered from it.
 *
 * <p>The page is self-contained: inline CSS, no scripts, fonts, stylesheets or images from anywhere,
 * and a Content-Security-Policy that forbids them. Everything taken from the spec is HTML-escaped.
 * The page is rendered at BUILD time ({@link ApiDocsRenderer}, run by functions/predict/pom.xml; a separate
 * class so the function never loads the YAML parser it refers to) into the resource
 * {@value #PAGE}: the function reads the page and the document once, on first use, and carries no YAML
 * parser (smaller jar, fewer classes at cold start). N.B. the page shows the spec's {@code info.version},
 * not the build's.
 */
public final class ApiDocs {
    /** Where the build puts {@code docs/openapi.yaml} on the classpath (functions/predict/pom.xml). */
    static final String RESOURCE = "/mlserve-docs/openapi.yaml";
    /** Where the build puts the page rendered from it. */
    static final String PAGE = "/mlserve-docs/docs.html";

    private static String yaml;
    private static String html;

    private ApiDocs() {}

    /**
     * @return the OpenAPI document, as packaged
     * @throws IllegalStateException when the jar was built without it
     */
    public static synchronized String yaml() {
        if (yaml == null) {
            yaml = load(RESOURCE);
        }
        return yaml;
    }

    /**
     * @return the HTML page, as the build rendered it
     * @throws IllegalStateException when the jar was built without it
     */
    public static synchronized String html() {
        if (html == null) {
            html = load(PAGE);
        }
        return html;
    }

    private static String load(String resource) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: the build makes it from docs/openapi.yaml");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
