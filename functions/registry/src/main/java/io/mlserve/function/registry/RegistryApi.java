package io.mlserve.function.registry;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.aws.ApiResponses;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.error.RequestRejectedException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.CanaryGuard;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes registry and prediction-log requests to the services; maps bodies in and out. */
final class RegistryApi {
    private static final Pattern MODELS = Pattern.compile("^/models/?$");
    private static final Pattern MODEL = Pattern.compile("^/models/([^/]+)/?$");
    private static final Pattern VERSIONS = Pattern.compile("^/models/([^/]+)/versions/?$");
    private static final Pattern ALIAS = Pattern.compile("^/models/([^/]+)/aliases/([^/]+)/?$");
    private static final Pattern AUDIT = Pattern.compile("^/models/([^/]+)/audit/?$");
    private static final Pattern STATS = Pattern.compile("^/models/([^/]+)/stats/?$");
    private static final Pattern PREDICTIONS = Pattern.compile("^/predictions/?$");

    private final RegistryService registry;
    private final ModelStore store;
    private final PredictionLogApi log;

    RegistryApi(RegistryService registry, ModelStore store, PredictionLogApi log) {
        this.registry = registry;
        this.store = store;
        this.log = log;
    }

    APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event, String requestId) {
        var method = Optional.ofNullable(event.getHttpMethod()).orElse("GET");
        var path = Optional.ofNullable(event.getPath()).orElse("/");
        var query = Optional.ofNullable(event.getQueryStringParameters()).orElse(Map.of());
        Matcher m;
        if (MODELS.matcher(path).matches()) {
            allow(method, path, "GET");
            return ApiResponses.ok(requestId, Map.of("models", registry.list().stream().map(RegistryApi::summary).toList()));
        }
        if ((m = MODEL.matcher(path)).matches()) {
            allow(method, path, "GET");
            return ApiResponses.ok(requestId, describe(m.group(1)));
        }
        if ((m = VERSIONS.matcher(path)).matches()) {
            if (method.equals("POST")) {
                var location = text(body(event), "location");
                var version = registry.register(m.group(1), location, actor(event));
                return ApiResponses.json(requestId, 201, version);
            }
            allow(method, path, "GET, POST");
            return ApiResponses.ok(requestId, Map.of("versions", registry.describe(m.group(1)).versions()));
        }
        if ((m = ALIAS.matcher(path)).matches()) {
            allow(method, path, "PUT");
            var body = body(event);
            var aliases = switch (m.group(2)) {
                case "production" -> registry.setProduction(m.group(1), text(body, "version"), actor(event));
                case "canary" -> registry.setCanary(m.group(1), text(body, "version"), weight(body), guard(body), actor(event));
                default -> throw new InvalidInputException("UNKNOWN_ALIAS", "aliases are 'production' and 'canary'",
                        Map.of("alias", m.group(2)));
            };
            return ApiResponses.ok(requestId, aliases);
        }
        if ((m = AUDIT.matcher(path)).matches()) {
            allow(method, path, "GET");
            return ApiResponses.ok(requestId, Map.of("entries", registry.audit(m.group(1))));
        }
        if ((m = STATS.matcher(path)).matches()) {
            allow(method, path, "GET");
            return ApiResponses.ok(requestId, log.stats(ModelRef.checkName(m.group(1)), query));
        }
        if (PREDICTIONS.matcher(path).matches()) {
            allow(method, path, "GET");
            return ApiResponses.ok(requestId, log.predictions(query));
        }
        throw NotFoundException.route(method, path);
    }

    /** The registry entry plus what a caller needs from the production version's manifest. */
    private Map<String, Object> describe(String name) {
        var entry = registry.describe(name);
        var view = new LinkedHashMap<String, Object>();
        view.put("name", name);
        view.put("production", entry.aliases().production());
        view.put("canary", entry.aliases().canary());
        view.put("canaryWeight", entry.aliases().canaryWeight());
        if (entry.aliases().guard() != null) {
            view.put("canaryGuard", entry.aliases().guard());
        }
        var production = entry.aliases().production();
        if (production != null) {
            store.fetch(new ModelRef(name, production)).ifPresent(stored -> view.putAll(manifestView(stored.manifestJson())));
        }
        view.put("versions", entry.versions());
        return view;
    }

    private static Map<String, Object> manifestView(byte[] manifestJson) {
        try {
            ObjectNode manifest = Json.MAPPER.valueToTree(ModelManifest.parse(manifestJson));
            // ONNX wiring and test samples are for mlserve, not for callers
            manifest.remove(List.of("input", "samples", "schemaVersion", "name"));
            @SuppressWarnings("unchecked")
            Map<String, Object> map = Json.MAPPER.convertValue(manifest, Map.class);
            return map;
        } catch (IOException e) {
            return Map.of("manifestError", "manifest.json is unreadable: " + e.getMessage());
        }
    }

    private static Map<String, Object> summary(RegistryService.ModelEntry entry) {
        var map = new LinkedHashMap<String, Object>();
        map.put("name", entry.name());
        map.put("production", entry.aliases().production());
        map.put("canary", entry.aliases().canary());
        map.put("canaryWeight", entry.aliases().canaryWeight());
        return map;
    }

    private static JsonNode body(APIGatewayProxyRequestEvent event) {
        var raw = event.getBody();
        if (raw != null && Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            raw = new String(java.util.Base64.getDecoder().decode(raw), java.nio.charset.StandardCharsets.UTF_8);
        }
        var body = Json.parseRequest(raw);
        if (!body.isObject()) {
            throw new InvalidInputException("INVALID_REQUEST", "the body must be a JSON object", null);
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidInputException("MISSING_FIELD", "the body must have '" + field + "'", Map.of("field", field));
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw new InvalidInputException("INVALID_FIELD", "'" + field + "' must be a string", Map.of("field", field));
        }
        return node.asText();
    }

    private static Integer weight(JsonNode body) {
        var node = body.get("weight");
        if (node == null || !node.isIntegralNumber()) {
            throw new InvalidInputException("INVALID_WEIGHT", "'weight' must be an integer from 0 to 100",
                    Map.of("weight", String.valueOf(node)));
        }
        return node.intValue();
    }

    private static CanaryGuard guard(JsonNode body) {
        var node = body.get("guard");
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            var guard = Json.MAPPER.treeToValue(node, CanaryGuard.class);
            if ((guard.maxErrorRate() != null && (guard.maxErrorRate() < 0 || guard.maxErrorRate() > 1))
                    || (guard.maxP95LatencyMs() != null && guard.maxP95LatencyMs() < 0)
                    || (guard.minRequests() != null && guard.minRequests() < 1)
                    || (guard.windowMinutes() != null && (guard.windowMinutes() < 1 || guard.windowMinutes() > 1440))) {
                throw new InvalidInputException("INVALID_GUARD",
                        "guard: maxErrorRate 0–1, maxP95LatencyMs ≥ 0, minRequests ≥ 1, windowMinutes 1–1440", Map.of());
            }
            return guard;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException("INVALID_GUARD", "guard is not valid: " + e.getMessage(), Map.of());
        }
    }

    private static String actor(APIGatewayProxyRequestEvent event) {
        var context = event.getRequestContext();
        if (context != null && context.getIdentity() != null && context.getIdentity().getApiKey() != null) {
            // the audit trail names the key by a fingerprint, never by its secret value
            var key = context.getIdentity().getApiKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return "apiKey:" + io.mlserve.core.model.ManifestChecks.sha256Hex(key).substring(0, 12);
        }
        return "api";
    }

    private static void allow(String method, String path, String allowed) {
        if (!List.of(allowed.split(", ")).contains(method)) {
            throw RequestRejectedException.methodNotAllowed(method, path, allowed);
        }
    }
}
