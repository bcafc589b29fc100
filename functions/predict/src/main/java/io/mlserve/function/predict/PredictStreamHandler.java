package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.mlserve.http.ProxyEventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The deployed entry point of the predict function: {@link PredictHandler} behind a stream handler that
 * reads and writes the API Gateway proxy events itself ({@link ProxyEventJson}), so the Lambda runtime
 * never loads its own event serializer — a shorter cold start (docs/benchmarks.md). Same trigger and env
 * vars as {@link PredictHandler}.
 */
public final class PredictStreamHandler implements RequestStreamHandler {
    private final PredictHandler handler;

    /** Called by the runtime once per execution environment (INIT). */
    public PredictStreamHandler() {
        this(new PredictHandler());
    }

    PredictStreamHandler(PredictHandler handler) { // tests pass a handler with their own wiring
        this.handler = handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ProxyEventJson.write(handler.handleRequest(ProxyEventJson.read(input), context), output);
    }
}
