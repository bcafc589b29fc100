package io.mlserve.http.log;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A small SLF4J 2 backend that writes each event as one JSON line on standard output, with the fields
 * and names of Powertools' Lambda JSON layout ({@link JsonLogger}). A function registers it in its own
 * {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider} instead of Log4j + Powertools logging:
 * the predict function does, saving ~3 MB of jar and Log4j's start-up (plugin scan, configuration) at
 * every cold start. Levels: {@code io.mlserve.*} at {@code POWERTOOLS_LOG_LEVEL} (default INFO),
 * everything else (the AWS SDK) at WARN, as the functions' log4j2.xml sets them.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
        // System.out as it is at each write (a test may redirect it); log lines are rare, so its lock costs nothing
        var sink = new JsonLogger.Sink(() -> System.out, (BasicMDCAdapter) mdc);
        int ours = JsonLogger.levelOf(System.getenv("POWERTOOLS_LOG_LEVEL"), JsonLogger.INFO);
        var cache = new ConcurrentHashMap<String, Logger>();
        loggers = name -> cache.computeIfAbsent(name,
                n -> new JsonLogger(n, n.startsWith("io.mlserve") ? ours : JsonLogger.WARN, sink));
    }
}
