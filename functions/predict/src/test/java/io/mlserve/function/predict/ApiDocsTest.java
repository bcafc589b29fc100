package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The packaged spec and the page rendered from it. */
class ApiDocsTest {
    /** An attribute that makes a browser fetch or navigate somewhere: src, href, action, … = "http(s)://…". */
    private static final Pattern EXTERNAL_REFERENCE =
            Pattern.compile("(?i)\\b(src|href|action|formaction|poster|data|srcset|background)\\s*=\\s*[\"']?\\s*(https?:)?//");

    @Test
    void yaml_shouldBeTheRepositoryFile_whenPackaged() throws IOException {
        assertThat(ApiDocs.yaml()).isEqualTo(Files.readString(OpenApiSpecTest.SPEC));
    }

    @Test
    void html_shouldShowEveryOperationOfTheSpec() {
        // GIVEN every "METHOD /path" of the spec
        var routes = new ArrayList<String>();
        OpenApiSpecTest.forEachOperation(OpenApiSpecTest.parsed(), (route, op) -> routes.add(route));

        // WHEN
        var html = ApiDocs.html();

        // THEN each has its own block, with its method, path and role shown
        assertThat(routes).hasSize(io.mlserve.core.access.Routes.all().size());
        for (var route : routes) {
            var method = route.substring(0, route.indexOf(' '));
            var path = route.substring(route.indexOf(' ') + 1);
            assertThat(html).contains("data-route=\"" + route + "\"");
            assertThat(html).contains(">" + method + "</span> <code class=\"path\">" + path + "</code>");
        }
        assertThat(html).contains("<title>mlserve API 0.1.0</title>", "Authentication and roles", "x-api-key",
                "class=\"role role-public\">public<", "class=\"role role-admin\">admin<", "INVALID_INSTANCES", "REGISTRY_UNAVAILABLE");
    }

    @Test
    void html_shouldLoadNothingFromAnywhere() {
        var html = ApiDocs.html();

        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("<img")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
        assertThat(EXTERNAL_REFERENCE.matcher(html).find()).as("an external reference in %s", html).isFalse();
        assertThat(html).contains("Content-Security-Policy\" content=\"default-src 'none'");
    }

    @Test
    void html_shouldBeRenderedOnce_whenAskedTwice() {
        assertThat(ApiDocs.html()).isSameAs(ApiDocs.html());
        assertThat(ApiDocs.yaml()).isSameAs(ApiDocs.yaml());
    }

    @Test
    void render_shouldEscapeEverythingFromTheSpec_whenItHoldsMarkup() {
        // GIVEN markup in every place a spec can carry text
        var spec = """
                openapi: 3.0.3
                info:
                  title: "<script>alert('title')</script>"
                  version: "1 & 2"
                  description: "a `<b>code</b>` span and <img src=x onerror=alert(1)>"
                paths:
                  /x/{id"><script>:
                    get:
                      operationId: "a\\"b"
                      summary: "<script src=https://evil.example/x.js></script>"
                      x-mlserve-role: "<i>admin</i>"
                      parameters:
                        - name: "<p>"
                          in: query
                          description: "</td></tr></table><script>"
                          schema: {type: string}
                          example: "<svg onload=alert(1)>"
                      responses:
                        '200':
                          description: "<b>ok</b>"
                          content:
                            application/json:
                              example: {"k": "</pre><script>alert(1)</script>"}
                """;

        // WHEN
        var html = ApiDocsRenderer.render(spec);

        // THEN no tag from the spec survives, and the text is still there, escaped
        assertThat(html).doesNotContain("<script", "<img", "<svg", "<b>", "<i>", "</td></tr></table><script>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;", "1 &amp; 2",
                "<code>&lt;b&gt;code&lt;/b&gt;</code>", "&lt;img src=x onerror=alert(1)&gt;",
                "data-route=\"GET /x/{id&quot;&gt;&lt;script&gt;\"", "id=\"op-a&quot;b\"",
                "&lt;i&gt;admin&lt;/i&gt;", "&lt;svg onload=alert(1)&gt;", "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("class=\"role role-unknown\"", "<code>&lt;p&gt;</code>");
    }

    @Test
    void render_shouldRefuse_whenTheDocumentIsNotYaml() {
        assertThatThrownBy(() -> ApiDocsRenderer.render("paths: [unclosed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void escape_shouldReplaceEveryHtmlSpecialCharacter() {
        assertThat(ApiDocsRenderer.escape("<a href=\"x\" title='y'>&amp;</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    }
}
