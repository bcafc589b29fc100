package io.mlserve.core.testing;

import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.drift.DriftHistory;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReportStore;
import io.mlserve.core.drift.DriftSummary;
import io.mlserve.core.registry.EventPublisher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The drift ports in memory: configs, reports (with their pages), history and published events. */
public final class InMemoryDriftStores {
    private InMemoryDriftStores() {}

    /** Configs by model. */
    public static final class Configs implements DriftConfigStore {
        public final Map<String, StoredConfig> configs = new ConcurrentHashMap<>();

        @Override
        public Optional<StoredConfig> find(String model) {
            return Optional.ofNullable(configs.get(model));
        }

        @Override
        public void put(String model, StoredConfig config) {
            configs.put(model, config);
        }
    }

    /** Reports and pages by a made-up URI ({@code mem://drift/<model>/<n>/report.json}). */
    public static final class Reports implements DriftReportStore {
        public final Map<String, DriftReport> reports = new ConcurrentHashMap<>();
        public final Map<String, String> pages = new ConcurrentHashMap<>();

        @Override
        public synchronized Location put(DriftReport report, String html) {
            String base = "mem://drift/" + report.model() + "/" + reports.size() + "/report.";
            var location = new Location(base + "json", base + "html");
            reports.put(location.json(), report);
            pages.put(location.html(), html);
            return location;
        }

        @Override
        public Optional<DriftReport> read(Location location) {
            return Optional.ofNullable(reports.get(location.json()));
        }
    }

    /** Summaries in order of recording. */
    public static final class History implements DriftHistory {
        public final List<DriftSummary> summaries = new CopyOnWriteArrayList<>();

        @Override
        public void record(DriftSummary summary) {
            summaries.add(summary);
        }

        @Override
        public Optional<DriftSummary> latest(String model) {
            return list(model, 1).stream().findFirst();
        }

        @Override
        public List<DriftSummary> list(String model, int limit) {
            var all = new ArrayList<DriftSummary>();
            for (int i = summaries.size() - 1; i >= 0; i--) { // newest recorded first, as the sort key's time order
                if (summaries.get(i).model().equals(model)) {
                    all.add(summaries.get(i));
                }
            }
            all.sort(Comparator.comparing(DriftSummary::createdAt).reversed());
            return all.stream().limit(limit).toList();
        }
    }

    /** Published events: detail type and detail. */
    public static final class Events implements EventPublisher {
        public record Published(String detailType, Map<String, Object> detail) {}

        public final List<Published> published = new CopyOnWriteArrayList<>();

        @Override
        public String publish(String detailType, Map<String, Object> detail) {
            published.add(new Published(detailType, detail));
            return "event-" + published.size();
        }
    }
}
