package io.mlserve.core.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.testing.InMemoryFeedbackStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackServiceTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final ModelRef CHURN = new ModelRef("churn", "1");
    private static final ModelRef IRIS = new ModelRef("iris", "2");
    private static final ModelRef PRICE = new ModelRef("price", "1");

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryFeedbackStore store = new InMemoryFeedbackStore();
    private final Map<ModelRef, ModelManifest> manifests = new HashMap<>(Map.of(
            CHURN, manifest(Task.CLASSIFICATION, new OutputSpec(List.of("no", "yes"), "probabilities", null, null, null)),
            IRIS, manifest(Task.CLASSIFICATION, new OutputSpec(List.of(0L, 1L, 2L), "probabilities", null, null, null)),
            PRICE, manifest(Task.REGRESSION, new OutputSpec(null, null, null, "variable", null))));
    private int specReads;
    private final FeedbackService service = new FeedbackService(store, ref -> {
        specReads++;
        return Optional.ofNullable(manifests.get(ref));
    }, Duration.ofDays(30), clock);

    private static ModelManifest manifest(Task task, OutputSpec output) {
        var m = Manifests.mixed("0".repeat(64));
        return new ModelManifest(1, "x", "1", task, null, m.features(), m.input(), output, null, null, null, null, null);
    }

    private PredictionId logged(ModelRef ref, String request, int row) {
        var id = new PredictionId(ref, 3, NOW.minus(Duration.ofHours(1)), request, row);
        store.logged(id);
        return id;
    }

    private static JsonNode body(Object... items) {
        return Json.MAPPER.valueToTree(Map.of("items", List.of(items)));
    }

    private static Map<String, Object> item(PredictionId id, Object actual) {
        var m = new HashMap<String, Object>();
        m.put("predictionId", id.encode());
        m.put("actual", actual);
        return m;
    }

    @Test
    void submit_shouldAnswerOneResultPerItemInOrder_whenItemsMixGoodAndBad() {
        // GIVEN four logged rows and one forged id
        var a = logged(CHURN, "r1", 0);
        var b = logged(CHURN, "r1", 1);
        var other = logged(IRIS, "r2", 0);
        var failed = new PredictionId(CHURN, 0, NOW.minusSeconds(60), "r3", 0);
        store.loggedFailure(failed);
        var forged = a.encode().substring(0, a.encode().length() - 2) + "AA";

        // WHEN
        var report = service.submit("churn", body(item(a, "yes"), item(b, "maybe"), Map.of("predictionId", forged, "actual", "no"),
                item(other, 1), item(failed, "no"), "not an object", Map.of("actual", "no"), item(b, 1)));

        // THEN
        assertThat(report.results()).extracting(r -> r.problem() == null ? "ok" : r.problem().code())
                .containsExactly("ok", "INVALID_ACTUAL", "UNKNOWN_PREDICTION", "OTHER_MODEL", "UNKNOWN_PREDICTION", "MALFORMED_ITEM",
                        "MALFORMED_ITEM", "INVALID_ACTUAL");
        assertThat(report.accepted()).isEqualTo(1);
        assertThat(report.rejected()).isEqualTo(7);
        assertThat(store.rows.get(a).actual).isEqualTo(new Actual.ClassLabel("yes"));
        assertThat(store.rows.get(a).labelledAt).isEqualTo(NOW);
        assertThat(store.rows.get(b).actual).isNull();
        assertThat(store.rows.get(other).actual).isNull();
        assertThat(store.rows.get(failed).actual).isNull();
    }

    @Test
    void submit_shouldBeIdempotent_andNeverOverwrite() {
        var a = logged(CHURN, "r1", 0);
        service.submit("churn", body(item(a, "yes")));

        var again = service.submit("churn", body(item(a, "yes"), item(a, "no")));

        assertThat(again.results().get(0)).isEqualTo(FeedbackResult.DUPLICATE);
        assertThat(again.results().get(1).problem().code()).isEqualTo("CONFLICTING_ACTUAL");
        assertThat(again.results().get(1).problem().message()).contains("yes");
        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(store.rows.get(a).actual).isEqualTo(new Actual.ClassLabel("yes"));
    }

    @Test
    void submit_shouldCheckTypesAgainstTheManifest() {
        var i = logged(IRIS, "r", 0);
        var j = logged(IRIS, "r", 1);
        var k = logged(IRIS, "r", 2);
        var p = logged(PRICE, "r", 0);
        var q = logged(PRICE, "r", 1);

        var iris = service.submit("iris", body(item(i, 2), item(j, "2"), item(k, 7)));
        var price = service.submit("price", body(item(p, 12.5), item(q, "12.5")));

        assertThat(iris.results()).extracting(r -> r.problem() == null ? "ok" : r.problem().code())
                .containsExactly("ok", "INVALID_ACTUAL", "INVALID_ACTUAL");
        assertThat(store.rows.get(i).actual).isEqualTo(new Actual.ClassLabel("2"));
        assertThat(price.results()).extracting(r -> r.problem() == null ? "ok" : r.problem().code()).containsExactly("ok", "INVALID_ACTUAL");
        assertThat(store.rows.get(p).actual).isEqualTo(new Actual.Value(12.5));
    }

    @Test
    void submit_shouldRefuseExpiredAndFutureIds_beforeAnyLookup() {
        var old = new PredictionId(CHURN, 0, NOW.minus(Duration.ofDays(31)), "r", 0);
        var future = new PredictionId(CHURN, 0, NOW.plus(Duration.ofHours(1)), "r", 0);
        store.logged(old);
        store.logged(future);

        var report = service.submit("churn", body(item(old, "yes"), item(future, "yes")));

        assertThat(report.results()).extracting(r -> r.problem().code()).containsExactly("EXPIRED", "UNKNOWN_PREDICTION");
        assertThat(store.calls).isZero();
    }

    @Test
    void submit_shouldRejectUnregisteredVersion_andCacheManifests() {
        var gone = new PredictionId(new ModelRef("churn", "9"), 0, NOW.minusSeconds(5), "r", 0);
        var a = logged(CHURN, "r", 0);
        var b = logged(CHURN, "r", 1);

        var report = service.submit("churn", body(item(gone, "yes"), item(a, "yes"), item(b, "no")));

        assertThat(report.results().get(0).problem().code()).isEqualTo("UNKNOWN_PREDICTION");
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(specReads).isEqualTo(2); // churn:9 (not cached: it may be registered later) and churn:1 once
    }

    @Test
    void submit_shouldTakeObservedAt_andRefuseABadOne() {
        var a = logged(CHURN, "r", 0);
        var b = logged(CHURN, "r", 1);
        var withTime = item(a, "yes");
        withTime.put("observedAt", "2026-12-04T10:00:00+01:00");
        var badTime = item(b, "yes");
        badTime.put("observedAt", "yesterday");
        var extra = item(b, "yes");
        extra.put("note", "x");

        var report = service.submit("churn", body(withTime, badTime, extra));

        assertThat(report.results()).extracting(r -> r.problem() == null ? "ok" : r.problem().code())
                .containsExactly("ok", "MALFORMED_ITEM", "MALFORMED_ITEM");
        assertThat(store.rows.get(a).observedAt).isEqualTo(Instant.parse("2026-12-04T09:00:00Z"));
    }

    @Test
    void submit_shouldRefuseTheWholeBody_onlyWhenItIsNotAFeedbackCall() {
        var tooMany = new ArrayList<Object>();
        for (int i = 0; i <= FeedbackService.MAX_ITEMS; i++) {
            tooMany.add(Map.of("predictionId", "x", "actual", 1));
        }
        assertThatThrownBy(() -> service.submit("churn", Json.MAPPER.valueToTree(Map.of("items", tooMany))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("TOO_MANY_ITEMS"));
        assertThatThrownBy(() -> service.submit("churn", Json.MAPPER.valueToTree(List.of())))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_BODY"));
        assertThatThrownBy(() -> service.submit("churn", Json.MAPPER.valueToTree(Map.of("items", "x"))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_BODY"));
        assertThatThrownBy(() -> service.submit("churn", Json.MAPPER.valueToTree(Map.of("items", List.of(), "x", 1))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_BODY"));
        assertThatThrownBy(() -> service.submit("Bad Name", body()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_MODEL_NAME"));
        // every item rejected is still an answer
        assertThat(service.submit("churn", body("x", "y")).rejected()).isEqualTo(2);
    }

    @Test
    void submit_shouldReportAStoreOutagePerItem() {
        var a = logged(CHURN, "r", 0);
        store.failing = true;

        var report = service.submit("churn", body(item(a, "yes")));

        assertThat(report.results().get(0).problem().code()).isEqualTo("STORE_UNAVAILABLE");
    }

    @Test
    void submitLines_shouldParseTextActuals() {
        var i = logged(IRIS, "r", 0);
        var j = logged(IRIS, "r", 1);

        var report = service.submit("iris", List.of(new FeedbackService.Line(i.encode(), " 1", "2026-12-04T11:00:00Z"),
                new FeedbackService.Line(j.encode(), "setosa", null), new FeedbackService.Line("", "1", null)));

        assertThat(report.results()).extracting(r -> r.problem() == null ? "ok" : r.problem().code())
                .containsExactly("ok", "INVALID_ACTUAL", "MALFORMED_ITEM");
        assertThat(store.rows.get(i).actual).isEqualTo(new Actual.ClassLabel("1"));
    }
}
