package io.mlserve.function.predict;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;

/** What {@code GET /models/{name}} shows: the manifest a caller needs, without internal wiring. */
final class ModelView {
    private ModelView() {}

    static ObjectNode of(ModelManifest manifest) {
        ObjectNode view = Json.MAPPER.valueToTree(manifest);
        // ONNX input wiring and test samples are for mlserve, not for callers
        view.remove("input");
        view.remove("samples");
        view.remove("schemaVersion");
        return view;
    }
}
