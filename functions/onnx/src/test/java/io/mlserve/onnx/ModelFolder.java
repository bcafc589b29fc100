package io.mlserve.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A committed example under {@code models/<name>/}: model, manifest and golden request/response. */
record ModelFolder(Path dir) {
    static ModelFolder of(String name) {
        return new ModelFolder(Path.of("..", "..", "models", name));
    }

    /** Every example under models/ that has a golden pair. */
    static java.util.List<String> examples() {
        try (var dirs = Files.list(Path.of("..", "..", "models"))) {
            return dirs.filter(d -> Files.exists(d.resolve("expected-response.json")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] onnx() {
        return read("model.onnx");
    }

    ModelManifest manifest() {
        try {
            return ModelManifest.parse(read("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest as an editable tree, for tests that break one field. */
    ObjectNode manifestTree() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(read("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json(String file) {
        try {
            return Json.MAPPER.readTree(read(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InstanceParser.ParsedInstances sampleInstances() {
        return new InstanceParser(10_000).parse(json("sample-request.json"), manifest());
    }

    private byte[] read(String file) {
        try {
            return Files.readAllBytes(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
