package io.mlserve.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.testing.Manifests;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestChecksTest {
    private final byte[] onnx = "not really onnx".getBytes(StandardCharsets.UTF_8);
    private final ModelRef ref = new ModelRef("mixed", "1");

    @Test
    void requireValid_shouldPass_whenManifestConsistentAndShaMatches() {
        ManifestChecks.requireValid(ref, Manifests.mixed(ManifestChecks.sha256Hex(onnx)), onnx);
    }

    @Test
    void requireValid_shouldReject_whenShaDiffers() {
        var manifest = Manifests.mixed("0".repeat(64));

        assertThatThrownBy(() -> ManifestChecks.requireValid(ref, manifest, onnx))
                .isInstanceOfSatisfying(ModelRejectedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.UNAVAILABLE);
                    assertThat(e.problems()).singleElement().asString().contains("sha256");
                });
    }

    @Test
    void problems_shouldNameEachMismatch_whenManifestInconsistent() {
        var m = Manifests.mixed(ManifestChecks.sha256Hex(onnx));
        var broken = new ModelManifest(2, "other", "9", m.task(), null, m.features(),
                new InputSpec(InputSpec.Layout.TENSOR, null, null, 4), new OutputSpec(List.of(), null, null, null, null),
                null, "xyz", null, null, null);

        assertThat(ManifestChecks.problems(ref, broken))
                .anyMatch(p -> p.contains("schemaVersion"))
                .anyMatch(p -> p.contains("name 'other'"))
                .anyMatch(p -> p.contains("version '9'"))
                .anyMatch(p -> p.contains("sha256"))
                .anyMatch(p -> p.contains("input.name"))
                .anyMatch(p -> p.contains("'plan' is a string"))
                .anyMatch(p -> p.contains("input.batch"))
                .anyMatch(p -> p.contains("output.labels"));
    }

    @Test
    void parse_shouldReadLabelsAsLong_whenLabelsAreJsonIntegers() throws Exception {
        var json = """
                {"schemaVersion":1,"name":"m","version":"1","task":"classification",
                 "features":[{"name":"x","type":"float"}],"input":{"layout":"tensor","name":"input"},
                 "output":{"labels":[0,1,2],"probabilities":"p"},"sha256":"%s"}""".formatted("a".repeat(64));

        var manifest = ModelManifest.parse(json.getBytes(StandardCharsets.UTF_8));

        assertThat(manifest.output().labels()).containsExactly(0L, 1L, 2L);
        assertThat(manifest.input().tensorType()).isEqualTo(FeatureType.FLOAT);
        assertThat(ManifestChecks.problems(new ModelRef("m", "1"), manifest)).isEmpty();
    }
}
