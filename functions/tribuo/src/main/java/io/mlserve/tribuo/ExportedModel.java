package io.mlserve.tribuo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The files {@link OnnxModelExporter} wrote.
 *
 * @param onnxFile {@code model.onnx}
 * @param manifestFile {@code manifest.json}
 * @param manifest the manifest as written
 * @param sha256 hex SHA-256 of the bytes of {@code onnxFile}
 */
public record ExportedModel(Path onnxFile, Path manifestFile, ObjectNode manifest, String sha256) {}
