package io.mlserve.core.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvReader;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.RowBatch;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.store.ModelStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A baseline for a version brought from elsewhere ({@code PUT /models/{name}/versions/{version}/baseline}): reads
 * reference rows from a CSV in the data bucket (header; the manifest's features by name, other columns ignored), runs
 * the version on them exactly as bulk prediction would ({@link RowBatch}), and stores what
 * {@link BaselineBuilder} makes of the rows and the predictions ({@code source: "reference"}).
 */
public final class BaselineService {
    /** Error code of reference data that cannot make a baseline; {@code details.problems} names each problem. */
    public static final String INVALID_REFERENCE_DATA = "INVALID_REFERENCE_DATA";
    /** Most reference rows read; the rest of a larger file is ignored (the baseline's sample holds 10,000). */
    public static final int MAX_ROWS = 1_000_000;
    private static final int CHUNK = 1024;

    private final ModelRegistry registry;
    private final ModelStore models;
    private final ModelLoader loader;
    private final BlobStore blobs;
    private final BaselineStore baselines;
    private final String dataBucket;
    private final Clock clock;

    /**
     * What {@code PUT .../baseline} answers.
     *
     * @param model model name
     * @param version version
     * @param source {@code reference}
     * @param data the CSV's URI
     * @param createdAt ISO-8601
     * @param rows rows summarised
     * @param skippedRows rows the manifest's checks refused (not summarised)
     * @param features per feature: name, kind, count, missing
     * @param prediction the same for the predictions
     */
    public record BaselineSummary(String model, String version, String source, String data, String createdAt, long rows,
            long skippedRows, List<Column> features, Column prediction) {}

    /**
     * @param name column name
     * @param kind numeric or categorical
     * @param count usable values
     * @param missing unusable values
     */
    public record Column(String name, String kind, long count, long missing) {
        static Column of(Baseline.Distribution d) {
            return d == null ? null : new Column(d.name(), d.kind(), d.count(), d.missing());
        }
    }

    /**
     * @param registry registered versions
     * @param models the versions' manifests and ONNX bytes
     * @param loader turns them into predictors
     * @param blobs the data bucket's objects
     * @param baselines where baselines are stored
     * @param dataBucket the only bucket reference data may come from
     * @param clock now
     */
    public BaselineService(ModelRegistry registry, ModelStore models, ModelLoader loader, BlobStore blobs, BaselineStore baselines,
            String dataBucket, Clock clock) {
        this.registry = registry;
        this.models = models;
        this.loader = loader;
        this.blobs = blobs;
        this.baselines = baselines;
        this.dataBucket = dataBucket;
        this.clock = clock;
    }

    /**
     * Computes and stores a version's baseline from reference data (replacing an earlier one).
     *
     * @param model model name
     * @param version version
     * @param body {@code {"data": "s3://<data bucket>/<key>.csv"}}
     * @return a summary of the stored baseline
     * @throws InvalidInputException {@code MISSING_FIELD}, {@code INVALID_FIELD} for a body without a usable {@code data}
     * @throws NotFoundException {@code VERSION_NOT_FOUND}; {@code INPUT_NOT_FOUND} (404) when there is no such object
     * @throws MlServeException {@value #INVALID_REFERENCE_DATA} (422) naming each problem: a feature column missing
     *     from the header, no row, every row refused by the manifest's checks
     */
    public BaselineSummary putBaseline(String model, String version, JsonNode body) {
        ModelRef.checkName(model);
        ModelRef.checkVersion(version);
        String key = dataKey(body);
        var registered = registry.version(model, version).orElseThrow(() -> NotFoundException.version(model, version));
        var ref = registered.ref();
        var stored = models.fetch(ref, registered.objectVersions())
                .orElseThrow(() -> new io.mlserve.core.registry.VersionUnavailableException(ref, registered.objectVersions()));
        ModelManifest manifest;
        try {
            manifest = ModelManifest.parse(stored.manifestJson());
        } catch (IOException e) {
            throw new UncheckedIOException("the manifest of " + model + " version " + version + " is unreadable", e);
        }
        return store(compute(ref, manifest, stored.onnx(), key));
    }

    /**
     * A baseline computed but not yet stored ({@link #compute}, then {@link #store}).
     *
     * @param ref the version
     * @param baseline the baseline
     * @param skippedRows rows the manifest's checks refused
     */
    public record Computed(ModelRef ref, Baseline baseline, long skippedRows) {}

    /**
     * Computes a version's baseline from reference data without storing it, so that a caller (registration with a
     * {@code reference}) can refuse bad data before committing anything. The version need not be registered yet.
     *
     * @param ref the version
     * @param manifest its manifest
     * @param onnx its ONNX bytes
     * @param key the CSV's key in the data bucket ({@link #referenceKey})
     * @return the baseline, for {@link #store}
     * @throws NotFoundException {@code INPUT_NOT_FOUND} when there is no such object
     * @throws MlServeException {@value #INVALID_REFERENCE_DATA} (422), as {@link #putBaseline}
     */
    public Computed compute(ModelRef ref, ModelManifest manifest, byte[] onnx, String key) {
        String uri = "s3://" + dataBucket + "/" + key;
        if (blobs.head(dataBucket, key).isEmpty()) {
            throw inputNotFound(uri);
        }
        var features = manifest.features();
        var accepted = new ArrayList<String[]>();
        var predictions = new ArrayList<Prediction>();
        long skipped = 0;
        try (var predictor = loader.load(manifest, onnx);
                var in = blobs.openFrom(dataBucket, key, 0);
                var csv = CsvReader.builder().ignoreDifferentFieldCount(true).detectBomHeader(true)
                        .ofCsvRecord(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16))) {
            Iterator<de.siegmar.fastcsv.reader.CsvRecord> records = csv.iterator();
            if (!records.hasNext()) {
                throw invalid(List.of(uri + ": the file is empty (a header naming the features is needed)"));
            }
            var header = records.next();
            int[] at = new int[features.size()];
            var problems = new ArrayList<String>();
            for (int f = 0; f < at.length; f++) {
                at[f] = -1;
                for (int i = 0; i < header.getFieldCount(); i++) {
                    if (header.getField(i).trim().equals(features.get(f).name())) {
                        at[f] = i;
                        break;
                    }
                }
                if (at[f] < 0) {
                    problems.add(uri + ": the header has no column for feature '" + features.get(f).name() + "'");
                }
            }
            if (!problems.isEmpty()) {
                throw invalid(problems);
            }
            var batch = new RowBatch(manifest, CHUNK);
            var pending = new ArrayList<String[]>(CHUNK);
            int read = 0;
            while (records.hasNext() && read < MAX_ROWS) {
                var record = records.next();
                read++;
                var cells = new String[at.length];
                for (int f = 0; f < at.length; f++) {
                    cells[f] = at[f] < record.getFieldCount() ? record.getField(at[f]) : null;
                    if (cells[f] != null && features.get(f).type().isNumeric()) {
                        cells[f] = cells[f].trim();
                    }
                }
                if (!batch.addText(cells).isEmpty()) {
                    skipped++;
                    continue;
                }
                pending.add(cells);
                if (batch.isFull()) {
                    predictions.addAll(predictor.predict(batch.toBatch()));
                    accepted.addAll(pending);
                    pending.clear();
                    batch.clear();
                }
            }
            if (batch.size() > 0) {
                predictions.addAll(predictor.predict(batch.toBatch()));
                accepted.addAll(pending);
            }
            if (read == 0) {
                throw invalid(List.of(uri + ": the file has a header but no rows"));
            }
            if (accepted.isEmpty()) {
                throw invalid(List.of(uri + ": all " + read + " rows were refused by the model's checks (a blank, unparsable, "
                        + "out-of-range or not-allowed value in a feature column)"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + uri + " failed", e);
        } catch (NoSuchElementException e) {
            throw inputNotFound(uri);
        }
        var baseline = BaselineBuilder.build(ref, "reference", uri, clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(), features,
                accepted, manifest.task(), predictions);
        return new Computed(ref, baseline, skipped);
    }

    /**
     * Stores a computed baseline (replacing an earlier one).
     *
     * @param computed from {@link #compute}
     * @return a summary of the stored baseline
     */
    public BaselineSummary store(Computed computed) {
        var baseline = computed.baseline();
        var ref = computed.ref();
        baselines.put(ref, baseline);
        return new BaselineSummary(ref.name(), ref.version(), baseline.source(), baseline.data(), baseline.createdAt(), baseline.rows(),
                computed.skippedRows(), baseline.features().stream().map(Column::of).toList(), Column.of(baseline.prediction()));
    }

    private String dataKey(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("data")) {
            throw new InvalidInputException("MISSING_FIELD", "the body must be {\"data\": \"s3://" + dataBucket + "/<key>.csv\"}",
                    Map.of("field", "data"));
        }
        var problems = new ArrayList<String>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("data")) {
                problems.add(name);
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidInputException("INVALID_FIELD", "unknown field(s): " + String.join(", ", problems) + "; the body takes only 'data'",
                    Map.of("fields", problems));
        }
        return referenceKey(body.get("data"), "data");
    }

    /**
     * The one check of a reference-data URI, shared by {@code PUT .../baseline} ({@code data}) and registration
     * ({@code reference}): a string {@code s3://<data bucket>/<key>} naming an object, not a prefix.
     *
     * @param node the field's value
     * @param field the field's name, for the error
     * @return the object's key in the data bucket
     * @throws InvalidInputException {@code INVALID_FIELD} (400) otherwise
     */
    public String referenceKey(JsonNode node, String field) {
        String prefix = "s3://" + dataBucket + "/";
        if (node == null || !node.isTextual() || !node.textValue().startsWith(prefix) || node.textValue().length() == prefix.length()
                || node.textValue().endsWith("/")) {
            var details = new LinkedHashMap<String, Object>();
            details.put("field", field);
            details.put("value", node == null ? null : node.isTextual() ? node.textValue() : node.toString());
            throw new InvalidInputException("INVALID_FIELD", "'" + field + "' must be the URI of a CSV object in the data bucket: " + prefix
                    + "<key>", details);
        }
        return node.textValue().substring(prefix.length());
    }

    private static MlServeException invalid(List<String> problems) {
        return new MlServeException(ErrorKind.UNPROCESSABLE, INVALID_REFERENCE_DATA,
                "the reference data cannot make a baseline: " + String.join("; ", problems), Map.of("problems", List.copyOf(problems)));
    }

    private static MlServeException inputNotFound(String uri) {
        return new MlServeException(ErrorKind.NOT_FOUND, "INPUT_NOT_FOUND", "no object at " + uri, Map.of("data", uri));
    }
}
