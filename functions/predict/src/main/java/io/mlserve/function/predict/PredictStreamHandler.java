package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
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
        this(withJsonPrewarmed());
    }

    /**
     * The first request reads a model manifest with Jackson databind (~0.1 s of class loading and introspection
     * at a cold start); a second thread does that while this one builds the SDK clients: ~60 ms less to the
     * first answer on 2 cores (docs/benchmarks.md). Best effort: the request path does the same if it is not done.
     */
    private static PredictHandler withJsonPrewarmed() {
        Thread.ofPlatform().daemon().name("json-prewarm").start(() -> Json.MAPPER.readerFor(ModelManifest.class));
        return new PredictHandler();
    }

    PredictStreamHandler(PredictHandler handler) { // tests pass a handler with their own wiring
        this.handler = handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ProxyEventJson.write(handler.handleRequest(ProxyEventJson.read(input), context), output);
    }
}
