package io.mlserve.function.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code docs/openapi.yaml} into the static {@code GET /docs} page at build time (functions/predict/pom.xml
 * runs {@link #main}); the function only serves the result ({@link ApiDocs}). Inline CSS, no scripts, fonts,
 * stylesheets or images, a Content-Security-Policy that forbids them; everything from the spec is HTML-escaped.
 */
public final class ApiDocsRenderer {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Set<String> ROLES = Set.of("public", "predict", "admin");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");


    private ApiDocsRenderer() {}

    /**
     * Renders the page at build time (functions/predict/pom.xml, phase process-classes).
     *
     * @param args the OpenAPI document's path, then the page's path
     * @throws IOException when either cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        var page = render(java.nio.file.Files.readString(java.nio.file.Path.of(args[0])));
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(args[1]).toAbsolutePath().getParent());
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[1]), page);
    }

    /**
     * Renders a page from an OpenAPI 3.0 document (package-private so tests can feed their own).
     *
     * @param openApiYaml the document
     * @return the HTML page
     */
    static String render(String openApiYaml) {
        JsonNode spec;
        try {
            spec = new ObjectMapper(new YAMLFactory()).readTree(openApiYaml);
        } catch (IOException e) {
            throw new IllegalStateException("the OpenAPI document is not valid YAML", e);
        }
        return new Page(spec).render();
    }

    /** One rendering: the parsed spec and the HTML being written. */
    private static final class Page {
        /** Here, not in ApiDocs: serving the YAML alone never loads a JSON mapper. */
        private static final ObjectMapper JSON = new ObjectMapper();

        private final JsonNode spec;
        private final StringBuilder out = new StringBuilder(64 * 1024);

        Page(JsonNode spec) {
            this.spec = spec;
        }

        String render() {
            var info = spec.path("info");
            var title = info.path("title").asText("API") + " " + info.path("version").asText("");
            out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    // the page needs nothing from anywhere: say so, so a browser refuses it if it ever asks
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>").append(escape(title.strip())).append("</title>\n<style>").append(CSS).append("</style>\n")
                    .append("</head>\n<body>\n<header>\n<h1>").append(escape(info.path("title").asText("API")))
                    .append(" <span class=\"version\">").append(escape(info.path("version").asText(""))).append("</span></h1>\n");
            prose(info.path("description").asText(""));
            for (var server : spec.path("servers")) {
                out.append("<p>Base URL: <code>").append(escape(server.path("url").asText())).append("</code>");
                if (server.hasNonNull("description")) {
                    out.append(" (").append(escape(server.path("description").asText())).append(")");
                }
                out.append("</p>\n");
            }
            out.append("</header>\n<main>\n");
            authentication();
            overview();
            operations();
            errors();
            out.append("</main>\n</body>\n</html>\n");
            return out.toString();
        }

        private void authentication() {
            out.append("<section id=\"authentication\">\n<h2>Authentication and roles</h2>\n");
            var schemes = spec.path("components").path("securitySchemes").properties();
            for (var scheme : schemes) {
                var s = scheme.getValue();
                out.append("<p>Send the key in the <code>").append(escape(s.path("name").asText()))
                        .append("</code> ").append(escape(s.path("in").asText())).append(".</p>\n");
                prose(s.path("description").asText(""));
            }
            out.append("<p>Each operation names the role it needs. <span class=\"role role-public\">public</span> needs no key; ")
                    .append("<span class=\"role role-predict\">predict</span> needs a predict or an admin key; ")
                    .append("<span class=\"role role-admin\">admin</span> needs an admin key (admin may call everything predict may).</p>\n");
            if (spec.path("x-mlserve-roles").isArray()) {
                out.append("<table>\n<thead><tr><th>role</th><th>key</th><th>may call</th></tr></thead>\n<tbody>\n");
                for (var role : spec.path("x-mlserve-roles")) {
                    out.append("<tr><td>").append(roleBadge(role.path("role").asText())).append("</td><td>")
                            .append(escape(role.path("key").asText())).append("</td><td>")
                            .append(escape(role.path("description").asText())).append("</td></tr>\n");
                }
                out.append("</tbody>\n</table>\n");
            }
            out.append("</section>\n");
        }

        private void overview() {
            out.append("<section id=\"routes\">\n<h2>Routes</h2>\n<table>\n")
                    .append("<thead><tr><th>method</th><th>path</th><th>role</th><th>summary</th></tr></thead>\n<tbody>\n");
            forEachOperation((path, method, op) -> out.append("<tr><td>").append(methodBadge(method))
                    .append("</td><td><a href=\"#").append(escape(anchor(method, path, op))).append("\"><code>")
                    .append(escape(path)).append("</code></a></td><td>").append(roleBadge(op.path("x-mlserve-role").asText("")))
                    .append("</td><td>").append(escape(op.path("summary").asText(""))).append("</td></tr>\n"));
            out.append("</tbody>\n</table>\n</section>\n");
        }

        private void operations() {
            var paths = spec.path("paths").properties();
            for (var path : paths) {
                out.append("<section class=\"path\">\n<h2 class=\"path-title\"><code>").append(escape(path.getKey())).append("</code></h2>\n");
                for (var entry : path.getValue().properties()) {
                    if (METHODS.contains(entry.getKey())) {
                        operation(path.getKey(), entry.getKey().toUpperCase(Locale.ROOT), entry.getValue(), path.getValue());
                    }
                }
                out.append("</section>\n");
            }
        }

        private void operation(String path, String method, JsonNode op, JsonNode pathItem) {
            out.append("<article class=\"op\" id=\"").append(escape(anchor(method, path, op)))
                    .append("\" data-route=\"").append(escape(method + " " + path)).append("\">\n<h3>")
                    .append(methodBadge(method)).append(" <code class=\"path\">").append(escape(path)).append("</code> ")
                    .append(roleBadge(op.path("x-mlserve-role").asText(""))).append("</h3>\n");
            if (op.hasNonNull("summary")) {
                out.append("<p class=\"summary\">").append(escape(op.path("summary").asText())).append("</p>\n");
            }
            prose(op.path("description").asText(""));
            if (op.hasNonNull("operationId")) {
                out.append("<p class=\"meta\">operationId <code>").append(escape(op.path("operationId").asText())).append("</code></p>\n");
            }
            var parameters = new ArrayList<JsonNode>();
            pathItem.path("parameters").forEach(p -> parameters.add(resolve(p)));
            op.path("parameters").forEach(p -> parameters.add(resolve(p)));
            if (!parameters.isEmpty()) {
                parameters(parameters);
            }
            if (op.has("requestBody")) {
                var body = resolve(op.path("requestBody"));
                out.append("<h4>Request body").append(body.path("required").asBoolean(false) ? " (required)" : "").append("</h4>\n");
                prose(body.path("description").asText(""));
                content(body.path("content"));
            }
            out.append("<h4>Responses</h4>\n<dl class=\"responses\">\n");
            for (var response : op.path("responses").properties()) {
                var r = resolve(response.getValue());
                var status = response.getKey();
                out.append("<dt><span class=\"status status-").append(escape(status.substring(0, 1))).append("xx\">")
                        .append(escape(status)).append("</span> ").append(escape(r.path("description").asText(""))).append("</dt>\n<dd>\n");
                if (status.startsWith("2")) {
                    content(r.path("content"));
                } else { // error bodies all share one shape: folded, so the successes stand out (no script needed)
                    out.append("<details><summary>example</summary>\n");
                    content(r.path("content"));
                    out.append("</details>\n");
                }
                out.append("</dd>\n");
            }
            out.append("</dl>\n</article>\n");
        }

        private void parameters(List<JsonNode> parameters) {
            out.append("<h4>Parameters</h4>\n<table>\n<thead><tr><th>name</th><th>in</th><th>required</th><th>type</th>")
                    .append("<th>description</th><th>example</th></tr></thead>\n<tbody>\n");
            for (var p : parameters) {
                var schema = resolve(p.path("schema"));
                out.append("<tr><td><code>").append(escape(p.path("name").asText())).append("</code></td><td>")
                        .append(escape(p.path("in").asText())).append("</td><td>")
                        .append(p.path("required").asBoolean(false) ? "yes" : "no").append("</td><td>")
                        .append(escape(type(schema))).append("</td><td>")
                        .append(escape(p.path("description").asText(""))).append("</td><td>")
                        .append(p.has("example") ? "<code>" + escape(scalar(p.path("example"))) + "</code>" : "")
                        .append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }

        /** The examples of each media type: {@code example}, or each of {@code examples} with its name and summary. */
        private void content(JsonNode content) {
            for (var media : content.properties()) {
                var m = media.getValue();
                if (m.has("example")) {
                    example(media.getKey(), null, m.path("example"));
                }
                for (var named : m.path("examples").properties()) {
                    var e = resolve(named.getValue());
                    var label = named.getKey() + (e.hasNonNull("summary") ? ": " + e.path("summary").asText() : "");
                    example(media.getKey(), label, e.path("value"));
                }
            }
        }

        private void example(String mediaType, String label, JsonNode value) {
            out.append("<figure><figcaption>").append(escape(mediaType));
            if (label != null) {
                out.append(" · ").append(escape(label));
            }
            out.append("</figcaption><pre>").append(escape(value.isTextual() ? value.asText() : pretty(value))).append("</pre></figure>\n");
        }

        private void errors() {
            if (!spec.path("x-mlserve-errors").isArray()) {
                return;
            }
            out.append("<section id=\"errors\">\n<h2>Errors</h2>\n<p>Every non-2xx answer is <code>")
                    .append(escape("{\"error\": {\"code\", \"message\", \"details\"}}"))
                    .append("</code> with Content-Type <code>application/json</code>.</p>\n<table>\n")
                    .append("<thead><tr><th>status</th><th>code</th><th>when</th></tr></thead>\n<tbody>\n");
            for (var e : spec.path("x-mlserve-errors")) {
                out.append("<tr><td>").append(escape(e.path("status").asText())).append("</td><td><code>")
                        .append(escape(e.path("code").asText())).append("</code></td><td>")
                        .append(escape(e.path("when").asText())).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n</section>\n");
        }

        /** Follows a local {@code $ref} ({@code #/components/...}); anything else is returned as is. */
        private JsonNode resolve(JsonNode node) {
            for (int hops = 0; hops < 10 && node.has("$ref"); hops++) {
                var ref = node.path("$ref").asText();
                if (!ref.startsWith("#/")) {
                    return node;
                }
                node = spec.at(ref.substring(1));
            }
            return node;
        }

        private String type(JsonNode schema) {
            var type = schema.path("type").asText("");
            if (schema.has("format")) {
                type += " (" + schema.path("format").asText() + ")";
            }
            if (schema.path("enum").isArray()) {
                var values = new ArrayList<String>();
                schema.path("enum").forEach(v -> values.add(v.asText()));
                type += ": " + String.join(" | ", values);
            }
            if (schema.has("minimum") || schema.has("maximum")) {
                type += " " + schema.path("minimum").asText("") + "–" + schema.path("maximum").asText("");
            }
            if (schema.has("default")) {
                type += ", default " + scalar(schema.path("default"));
            }
            return type;
        }

        private void forEachOperation(OperationVisitor visitor) {
            for (var path : spec.path("paths").properties()) {
                for (var entry : path.getValue().properties()) {
                    if (METHODS.contains(entry.getKey())) {
                        visitor.visit(path.getKey(), entry.getKey().toUpperCase(Locale.ROOT), entry.getValue());
                    }
                }
            }
        }

        /** Paragraphs on blank lines; {@code `code`} spans; everything else escaped. */
        private void prose(String text) {
            for (var paragraph : text.strip().split("\\n\\s*\\n")) {
                if (!paragraph.isBlank()) {
                    out.append("<p>").append(codeSpans(escape(paragraph.strip().replaceAll("\\s*\\n\\s*", " ")))).append("</p>\n");
                }
            }
        }
    }

    @FunctionalInterface
    private interface OperationVisitor {
        void visit(String path, String method, JsonNode operation);
    }

    private static String anchor(String method, String path, JsonNode op) {
        return op.hasNonNull("operationId") ? "op-" + op.path("operationId").asText()
                : "op-" + method.toLowerCase(Locale.ROOT) + path.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static String methodBadge(String method) {
        return "<span class=\"method method-" + escape(method.toLowerCase(Locale.ROOT)) + "\">" + escape(method) + "</span>";
    }

    private static String roleBadge(String role) {
        var css = ROLES.contains(role) ? role : "unknown";
        return "<span class=\"role role-" + css + "\">" + escape(role.isEmpty() ? "no role" : role) + "</span>";
    }

    /** Runs after escaping: the backticks and the text between them are already safe. */
    private static String codeSpans(String escaped) {
        Matcher m = CODE_SPAN.matcher(escaped);
        return m.replaceAll(r -> Matcher.quoteReplacement("<code>" + r.group(1) + "</code>"));
    }

    private static String scalar(JsonNode node) {
        return node.isValueNode() ? node.asText() : pretty(node);
    }

    private static String pretty(JsonNode node) {
        try {
            return Page.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }

    /**
     * @param text any text
     * @return the text safe in HTML element content and in double- or single-quoted attributes
     */
    static String escape(String text) {
        var sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String CSS = """
            :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#ffffff;--code:#f6f8fa}
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
            header,main{max-width:1080px;margin:0 auto;padding:0 24px}
            header{padding-top:24px;border-bottom:1px solid var(--line)}
            h1{font-size:28px;margin:0 0 8px}
            h2{font-size:21px;margin:32px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}
            h3{font-size:17px;margin:0 0 8px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
            h4{font-size:14px;margin:16px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
            code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px}
            code{background:var(--code);padding:1px 4px;border-radius:4px}
            pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;margin:4px 0 12px}
            figure{margin:0}
            figcaption{font-size:12px;color:var(--muted)}
            table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px}
            th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
            th{background:var(--code)}
            a{color:#0969da;text-decoration:none}
            .version{font-size:14px;font-weight:normal;color:var(--muted);border:1px solid var(--line);border-radius:10px;padding:1px 8px;vertical-align:middle}
            .op{border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:12px 0 20px}
            .summary{font-weight:600;margin:4px 0}
            .meta{font-size:13px;color:var(--muted)}
            .method{display:inline-block;min-width:56px;text-align:center;font:700 12px/1.9 ui-monospace,monospace;color:#fff;border-radius:4px;padding:0 6px}
            .method-get{background:#1f6feb}.method-post{background:#1a7f37}.method-put{background:#9a6700}.method-delete{background:#cf222e}
            .method-patch,.method-head,.method-options,.method-trace{background:#6e7781}
            .role{display:inline-block;font-size:12px;font-weight:600;border-radius:10px;padding:0 8px;border:1px solid}
            .role-public{color:#1a7f37;border-color:#1a7f37}.role-predict{color:#0969da;border-color:#0969da}
            .role-admin{color:#cf222e;border-color:#cf222e}.role-unknown{color:var(--muted);border-color:var(--muted)}
            .path-title code{font-size:17px}
            dl.responses dt{margin-top:8px}
            dl.responses dd{margin:4px 0 8px 20px}
            details>summary{cursor:pointer;font-size:13px;color:var(--muted)}
            .status{display:inline-block;font:700 13px ui-monospace,monospace;border-radius:4px;padding:0 6px;color:#fff;background:#6e7781}
            .status-2xx{background:#1a7f37}.status-4xx{background:#9a6700}.status-5xx{background:#cf222e}
            """;
}
