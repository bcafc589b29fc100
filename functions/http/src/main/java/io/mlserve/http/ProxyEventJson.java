package io.mlserve.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * API Gateway REST (v1, Lambda proxy) events to and from JSON with Jackson's streaming parser, for
 * handlers that take the raw stream ({@code RequestStreamHandler}): the Lambda runtime's own event
 * serializer (a shaded Jackson databind plus joda-time, ~0.2 s of class loading at the first event)
 * is then never loaded. Reads every field the event type has, as the runtime would; unknown fields
 * are skipped. Writes the response the way the runtime does: null fields left out.
 */
public final class ProxyEventJson {

    private ProxyEventJson() {}

    /**
     * @param in the event as Lambda delivers it (not closed)
     * @return the event
     * @throws IOException if the input is not a JSON object
     */
    public static APIGatewayProxyRequestEvent read(InputStream in) throws IOException {
        try (var p = JsonEvents.JSON.createParser(in)) {
            var event = new APIGatewayProxyRequestEvent();
            JsonEvents.expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                var name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "resource" -> event.setResource(JsonEvents.text(p));
                    case "path" -> event.setPath(JsonEvents.text(p));
                    case "httpMethod" -> event.setHttpMethod(JsonEvents.text(p));
                    case "headers" -> event.setHeaders(JsonEvents.strings(p));
                    case "multiValueHeaders" -> event.setMultiValueHeaders(JsonEvents.stringLists(p));
                    case "queryStringParameters" -> event.setQueryStringParameters(JsonEvents.strings(p));
                    case "multiValueQueryStringParameters" -> event.setMultiValueQueryStringParameters(JsonEvents.stringLists(p));
                    case "pathParameters" -> event.setPathParameters(JsonEvents.strings(p));
                    case "stageVariables" -> event.setStageVariables(JsonEvents.strings(p));
                    case "requestContext" -> event.setRequestContext(requestContext(p));
                    case "body" -> event.setBody(JsonEvents.text(p));
                    case "isBase64Encoded" -> event.setIsBase64Encoded(JsonEvents.bool(p));
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
        try (var g = JsonEvents.JSON.createGenerator(out)) {
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
        JsonEvents.expectObjectStart(p);
        var context = new ProxyRequestContext();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            switch (name) {
                case "accountId" -> context.setAccountId(JsonEvents.text(p));
                case "resourceId" -> context.setResourceId(JsonEvents.text(p));
                case "stage" -> context.setStage(JsonEvents.text(p));
                case "requestId" -> context.setRequestId(JsonEvents.text(p));
                case "extendedRequestId" -> context.setExtendedRequestId(JsonEvents.text(p));
                case "identity" -> context.setIdentity(identity(p));
                case "resourcePath" -> context.setResourcePath(JsonEvents.text(p));
                case "httpMethod" -> context.setHttpMethod(JsonEvents.text(p));
                case "apiId" -> context.setApiId(JsonEvents.text(p));
                case "path" -> context.setPath(JsonEvents.text(p));
                case "operationName" -> context.setOperationName(JsonEvents.text(p));
                case "requestTime" -> context.setRequestTime(JsonEvents.text(p));
                case "requestTimeEpoch" -> context.setRequestTimeEpoch(p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsLong());
                case "domainName" -> context.setDomainName(JsonEvents.text(p));
                case "domainPrefix" -> context.setDomainPrefix(JsonEvents.text(p));
                case "protocol" -> context.setProtocol(JsonEvents.text(p));
                case "authorizer" -> context.setAuthorizer(JsonEvents.object(p));
                default -> p.skipChildren();
            }
        }
        return context;
    }

    private static RequestIdentity identity(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonEvents.expectObjectStart(p);
        var identity = new RequestIdentity();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            switch (name) {
                case "cognitoIdentityPoolId" -> identity.setCognitoIdentityPoolId(JsonEvents.text(p));
                case "accountId" -> identity.setAccountId(JsonEvents.text(p));
                case "cognitoIdentityId" -> identity.setCognitoIdentityId(JsonEvents.text(p));
                case "caller" -> identity.setCaller(JsonEvents.text(p));
                case "apiKey" -> identity.setApiKey(JsonEvents.text(p));
                case "principalOrgId" -> identity.setPrincipalOrgId(JsonEvents.text(p));
                case "sourceIp" -> identity.setSourceIp(JsonEvents.text(p));
                case "cognitoAuthenticationType" -> identity.setCognitoAuthenticationType(JsonEvents.text(p));
                case "cognitoAuthenticationProvider" -> identity.setCognitoAuthenticationProvider(JsonEvents.text(p));
                case "userArn" -> identity.setUserArn(JsonEvents.text(p));
                case "userAgent" -> identity.setUserAgent(JsonEvents.text(p));
                case "user" -> identity.setUser(JsonEvents.text(p));
                case "accessKey" -> identity.setAccessKey(JsonEvents.text(p));
                default -> p.skipChildren();
            }
        }
        return identity;
    }
}
