package io.mlserve.core.quality;

import java.util.Optional;

/** Quality configs, one per model (the registry table in production, item {@code sk = QUALITY_CONFIG}). */
public interface QualityConfigStore {

    /**
     * A config as stored.
     *
     * @param config the config, every field filled in
     * @param updatedAt ISO-8601 time of the last change
     * @param updatedBy who changed it
     */
    record StoredConfig(QualityConfig config, String updatedAt, String updatedBy) {}

    /**
     * @param model model name
     * @return its config, if one was set
     */
    Optional<StoredConfig> find(String model);

    /**
     * @param model model name
     * @param config the config (replaces an earlier one)
     */
    void put(String model, StoredConfig config);
}
