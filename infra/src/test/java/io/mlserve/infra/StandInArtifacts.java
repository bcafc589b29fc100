package io.mlserve.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The files a synth needs to exist (every function's jar, the local runtime): the templates never read their bytes. */
final class StandInArtifacts {
    /** Every function module with a deployable jar {@code functions/<name>/target/<name>.jar}. */
    static final List<String> FUNCTIONS = List.of("predict", "registry", "authorizer", "batch", "train", "drift", "feedback", "logreplay");

    private StandInArtifacts() {}

    /**
     * @param repo a temporary repository root
     * @throws IOException when the files cannot be written
     */
    static void write(Path repo) throws IOException {
        for (var function : FUNCTIONS) {
            Files.createDirectories(repo.resolve("functions/" + function + "/target"));
            Files.writeString(repo.resolve("functions/" + function + "/target/" + function + ".jar"), "jar");
        }
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/lib"));
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/jni"));
        Files.writeString(repo.resolve("functions/local-runtime/target/runtime/lib/ric.jar"), "jar");
        Files.writeString(repo.resolve("functions/local-runtime/target/runtime/bootstrap"), "#!/bin/sh\n");
    }
}
