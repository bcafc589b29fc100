package io.mlserve.tribuo;

import java.util.Map;

/**
 * What the producer says about a model, beyond what training found out.
 *
 * @param name model name, {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param version model version, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}
 * @param description free text for {@code GET /models/{name}}
 * @param featureUnit unit of every feature (e.g. {@code "cm"}), or null
 * @param provenance extra {@code producedBy} entries: the script, the class, the data file as the repository names it
 */
public record ModelInfo(
        String name, String version, String description, String featureUnit, Map<String, String> provenance) {

    public ModelInfo {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("model name must match [a-z0-9][a-z0-9_-]{0,63}: " + name);
        }
        if (version == null || !version.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("model version must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}: " + version);
        }
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }
}
