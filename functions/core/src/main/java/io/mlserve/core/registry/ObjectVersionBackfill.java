package io.mlserve.core.registry;

import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelFileVersions;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the object versions of versions registered before pinning (a one-off, safe to run again): for each unpinned
 * version it looks, newest first, for the object version of {@code model.onnx} whose sha256 is the one registration
 * recorded and the object version of {@code manifest.json} that names that sha256, and pins both — so a file
 * overwritten since registration is found in its older object version, and a version whose checked bytes no longer
 * exist is reported, never pinned to other bytes.
 */
public final class ObjectVersionBackfill {
    /** The audit action of a backfilled pin. */
    public static final String PINNED_ACTION = "OBJECT_VERSIONS_PINNED";

    private final ModelRegistry registry;
    private final ModelFileVersions files;
    private final Clock clock;

    /**
     * @param registry the registry
     * @param files the versioned model store
     * @param clock time source for the audit entries
     */
    public ObjectVersionBackfill(ModelRegistry registry, ModelFileVersions files, Clock clock) {
        this.registry = registry;
        this.files = files;
        this.clock = clock;
    }

    /** What happened to one version. */
    public enum Result {
        /** Its object versions were recorded now (or would be, in a dry run). */
        PINNED,
        /** It already had them. */
        ALREADY_PINNED,
        /** No object version holds the bytes registration checked: nothing recorded (see the reason). */
        NOT_FOUND,
        /** It changed while this ran (pinned or re-registered by someone else): nothing recorded. */
        CHANGED
    }

    /**
     * @param model model name
     * @param version version
     * @param result what happened
     * @param objectVersions the object versions recorded (or found, in a dry run), else null
     * @param reason why it was not pinned, else null
     */
    public record Outcome(String model, String version, Result result, Map<String, String> objectVersions, String reason) {}

    /**
     * @param model one model, or null for every model
     * @param dryRun find the object versions but record nothing
     * @param actor who ran it, for the audit trail
     * @return one outcome per version, models and versions in registry order
     */
    public List<Outcome> run(String model, boolean dryRun, String actor) {
        var names = model == null ? registry.modelNames().stream().sorted().toList() : List.of(ModelRef.checkName(model));
        var outcomes = new ArrayList<Outcome>();
        for (var name : names) {
            for (var version : registry.versions(name)) {
                outcomes.add(backfill(version, dryRun, actor));
            }
        }
        return outcomes;
    }

    private Outcome backfill(RegisteredVersion version, boolean dryRun, String actor) {
        if (version.objectVersions() != null) {
            return outcome(version, Result.ALREADY_PINNED, version.objectVersions(), null);
        }
        if (version.sha256() == null) {
            return outcome(version, Result.NOT_FOUND, null, "no sha256 was recorded at registration: nothing to check the bytes against");
        }
        var ref = version.ref();
        String onnx = null;
        for (var id : files.objectVersions(ref, ModelStore.MODEL_FILE)) {
            var bytes = files.read(ref, ModelStore.MODEL_FILE, id);
            if (bytes.isPresent() && ManifestChecks.sha256Hex(bytes.get()).equalsIgnoreCase(version.sha256())) {
                onnx = id;
                break;
            }
        }
        if (onnx == null) {
            return outcome(version, Result.NOT_FOUND, null, "no object version of model.onnx has the registered sha256 " + version.sha256());
        }
        String manifest = null;
        for (var id : files.objectVersions(ref, ModelStore.MANIFEST_FILE)) {
            var bytes = files.read(ref, ModelStore.MANIFEST_FILE, id);
            if (bytes.isPresent() && namesSha256(bytes.get(), version.sha256())) {
                manifest = id;
                break;
            }
        }
        if (manifest == null) {
            return outcome(version, Result.NOT_FOUND, null,
                    "no object version of manifest.json names the registered sha256 " + version.sha256());
        }
        var pins = new LinkedHashMap<String, String>();
        pins.put(ModelStore.MODEL_FILE, onnx);
        pins.put(ModelStore.MANIFEST_FILE, manifest);
        if (dryRun) {
            return outcome(version, Result.PINNED, pins, null);
        }
        try {
            registry.pinObjectVersions(version, pins, new AuditEntry(version.name(), clock.instant().toString(), PINNED_ACTION,
                    version.version(), null, null, actor, "backfill: " + pins));
        } catch (RegistryConflictException e) {
            return outcome(version, Result.CHANGED, null, e.getMessage());
        }
        return outcome(version, Result.PINNED, pins, null);
    }

    private static boolean namesSha256(byte[] manifestJson, String sha256) {
        try {
            return sha256.equalsIgnoreCase(ModelManifest.parse(manifestJson).sha256());
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Outcome outcome(RegisteredVersion v, Result result, Map<String, String> pins, String reason) {
        return new Outcome(v.name(), v.version(), result, pins, reason);
    }
}
