package io.mlserve.core.serving;

import io.mlserve.core.inference.Predictor;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import java.time.Instant;

/**
 * A checked model version held in this container.
 *
 * @param ref name and version
 * @param manifest its manifest
 * @param predictor the loaded graph
 * @param loadedAt when this container loaded it
 */
public record LoadedModel(ModelRef ref, ModelManifest manifest, Predictor predictor, Instant loadedAt) {}
