package io.mlserve.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway REST (v1, Lambda proxy) events to and from JSON with Jackson's streaming parser, for
 * handlers that take the raw stream ({@code RequestStreamHandler}): the Lambda runtime's own event
 * serializer (a shaded Jackson databind plus joda-time, ~0.2 s of class loading at the first event)
 * is then never loaded. Reads every field the event type has, as the runtime would; unknown fields
 * are skipped. Writes the response the way the runtime does: null fields left out.
 */
public final class ProxyEventJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ProxyEventJson() {}

    /**
     * @param in the event as Lambda delivers it (not closed)
     * @return the event
     * @throws IOException if the input is not a JSON object
     */
    public static APIGatewayProxyRequestEvent read(InputStream in) throws IOException {
        try (var p = JSON.createParser(in)) {
            var event = new APIGatewayProxyRequestEvent();
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                var name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "resource" -> event.setResource(text(p));
                    case "path" -> event.setPath(text(p));
                    case "httpMethod" -> event.setHttpMethod(text(p));
                    case "headers" -> event.setHeaders(strings(p));
                    case "multiValueHeaders" -> event.setMultiValueHeaders(stringLists(p));
                    case "queryStringParameters" -> event.setQueryStringParameters(strings(p));
                    case "multiValueQueryStringParameters" -> event.setMultiValueQueryStringParameters(stringLists(p));
                    case "pathParameters" -> event.setPathParameters(strings(p));
                    case "stageVariables" -> event.setStageVariables(strings(p));
                    case "requestContext" -> event.setRequestContext(requestContext(p));
                    case "body" -> event.setBody(text(p));
                    case "isBase64Encoded" -> event.setIsBase64Encoded(bool(p));
                    default -> p.skipChildren();
                }
            }
            return event;
        }
    }

    /**
     * @param response the handler's answer
     * @param out where the runtime reads it from (flushed, not closed)
     * @throws IOException if writing fails
     */
    public static void write(APIGatewayProxyResponseEvent response, OutputStream out) throws IOException {
        try (var g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            if (response.getStatusCode() != null) {
                g.writeNumberField("statusCode", response.getStatusCode());
            }
            if (response.getHeaders() != null) {
                g.writeObjectFieldStart("headers");
                for (var e : response.getHeaders().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            if (response.getMultiValueHeaders() != null) {
                g.writeObjectFieldStart("multiValueHeaders");
                for (var e : response.getMultiValueHeaders().entrySet()) {
                    g.writeFieldName(e.getKey());
                    if (e.getValue() == null) {
                        g.writeNull();
                        continue;
                    }
                    g.writeStartArray();
                    for (var value : e.getValue()) {
                        g.writeString(value);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (response.getBody() != null) {
                g.writeStringField("body", response.getBody());
            }
            if (response.getIsBase64Encoded() != null) {
                g.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            }
            g.writeEndObject();
        }
        out.flush();
    }

    private static ProxyRequestContext requestContext(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var context = new ProxyRequestContext();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            switch (name) {
                case "accountId" -> context.setAccountId(text(p));
                case "resourceId" -> context.setResourceId(text(p));
                case "stage" -> context.setStage(text(p));
                case "requestId" -> context.setRequestId(text(p));
                case "extendedRequestId" -> context.setExtendedRequestId(text(p));
                case "identity" -> context.setIdentity(identity(p));
                case "resourcePath" -> context.setResourcePath(text(p));
                case "httpMethod" -> context.setHttpMethod(text(p));
                case "apiId" -> context.setApiId(text(p));
                case "path" -> context.setPath(text(p));
                case "operationName" -> context.setOperationName(text(p));
                case "requestTime" -> context.setRequestTime(text(p));
                case "requestTimeEpoch" -> context.setRequestTimeEpoch(p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsLong());
                case "domainName" -> context.setDomainName(text(p));
                case "domainPrefix" -> context.setDomainPrefix(text(p));
                case "protocol" -> context.setProtocol(text(p));
                case "authorizer" -> context.setAuthorizer(object(p));
                default -> p.skipChildren();
            }
        }
        return context;
    }

    private static RequestIdentity identity(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var identity = new RequestIdentity();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            switch (name) {
                case "cognitoIdentityPoolId" -> identity.setCognitoIdentityPoolId(text(p));
                case "accountId" -> identity.setAccountId(text(p));
                case "cognitoIdentityId" -> identity.setCognitoIdentityId(text(p));
                case "caller" -> identity.setCaller(text(p));
                case "apiKey" -> identity.setApiKey(text(p));
                case "principalOrgId" -> identity.setPrincipalOrgId(text(p));
                case "sourceIp" -> identity.setSourceIp(text(p));
                case "cognitoAuthenticationType" -> identity.setCognitoAuthenticationType(text(p));
                case "cognitoAuthenticationProvider" -> identity.setCognitoAuthenticationProvider(text(p));
                case "userArn" -> identity.setUserArn(text(p));
                case "userAgent" -> identity.setUserAgent(text(p));
                case "user" -> identity.setUser(text(p));
                case "accessKey" -> identity.setAccessKey(text(p));
                default -> p.skipChildren();
            }
        }
        return identity;
    }

    /** A string field; a number or boolean where a string belongs is taken as its text, as databind does. */
    private static String text(JsonParser p) throws IOException {
        var token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw new IOException("expected a string at " + p.currentName() + ", found " + token);
        }
        return p.getText();
    }

    private static Boolean bool(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> Boolean.valueOf(p.getText().trim());
            default -> throw new IOException("expected a boolean at " + p.currentName() + ", found " + p.currentToken());
        };
    }

    private static Map<String, String> strings(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, String>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            map.put(name, text(p));
        }
        return map;
    }

    private static Map<String, List<String>> stringLists(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, List<String>>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                map.put(name, null);
                continue;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected an array at " + name + ", found " + p.currentToken());
            }
            var values = new ArrayList<String>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(text(p));
            }
            map.put(name, values);
        }
        return map;
    }

    /** The authorizer context: any JSON, as plain maps, lists, strings, numbers and booleans. */
    private static Map<String, Object> object(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, Object>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            map.put(name, value(p));
        }
        return map;
    }

    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                var list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue(); // Integer, Long or BigInteger by size, as databind
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + p.currentToken() + " at " + p.currentName());
        };
    }

    private static void expectObject(JsonParser p) throws IOException {
        p.nextToken();
        expectObjectStart(p);
    }

    private static void expectObjectStart(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("expected a JSON object at " + p.currentName() + ", found " + p.currentToken());
        }
    }
}
