package io.mlserve.function.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import io.mlserve.http.JsonEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The deployed entry point of the authorizer: {@link AuthorizerHandler} behind a stream handler that reads the
 * REQUEST authorizer event and writes the IAM policy itself, so the Lambda runtime never loads its own event
 * serializer (a shaded Jackson databind plus joda-time) in front of every API call's cold start. Reads the
 * event's top-level fields (the handler uses the method ARN and the headers; {@code requestContext} is
 * skipped); writes the policy as the runtime would. Same trigger and env vars as {@link AuthorizerHandler}.
 */
public final class AuthorizerStreamHandler implements RequestStreamHandler {
    private final AuthorizerHandler handler;

    /** Called by the runtime once per execution environment (INIT). */
    public AuthorizerStreamHandler() {
        this(new AuthorizerHandler());
    }

    AuthorizerStreamHandler(AuthorizerHandler handler) { // tests pass an in-memory keys table
        this.handler = handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        write(handler.handleRequest(read(input), context), output);
    }

    static APIGatewayCustomAuthorizerEvent read(InputStream in) throws IOException {
        try (var p = JsonEvents.JSON.createParser(in)) {
            var event = new APIGatewayCustomAuthorizerEvent();
            JsonEvents.expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                var name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "version" -> event.setVersion(JsonEvents.text(p));
                    case "type" -> event.setType(JsonEvents.text(p));
                    case "methodArn" -> event.setMethodArn(JsonEvents.text(p));
                    case "identitySource" -> event.setIdentitySource(JsonEvents.text(p));
                    case "authorizationToken" -> event.setAuthorizationToken(JsonEvents.text(p));
                    case "resource" -> event.setResource(JsonEvents.text(p));
                    case "path" -> event.setPath(JsonEvents.text(p));
                    case "httpMethod" -> event.setHttpMethod(JsonEvents.text(p));
                    case "headers" -> event.setHeaders(JsonEvents.strings(p));
                    case "queryStringParameters" -> event.setQueryStringParameters(JsonEvents.strings(p));
                    case "pathParameters" -> event.setPathParameters(JsonEvents.strings(p));
                    case "stageVariables" -> event.setStageVariables(JsonEvents.strings(p));
                    default -> p.skipChildren();
                }
            }
            return event;
        }
    }

    static void write(IamPolicyResponseV1 response, OutputStream out) throws IOException {
        try (var g = JsonEvents.JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            if (response.getPrincipalId() != null) {
                g.writeStringField("principalId", response.getPrincipalId());
            }
            g.writeFieldName("policyDocument"); // the events library's own serializable shape: Version, Statement[]
            JsonEvents.writeValue(g, response.getPolicyDocument());
            if (response.getContext() != null) {
                g.writeFieldName("context");
                JsonEvents.writeValue(g, response.getContext());
            }
            if (response.getUsageIdentifierKey() != null) {
                g.writeStringField("usageIdentifierKey", response.getUsageIdentifierKey());
            }
            g.writeEndObject();
        }
        out.flush();
    }
}
