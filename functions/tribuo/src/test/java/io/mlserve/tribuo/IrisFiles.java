package io.mlserve.tribuo;

import java.nio.file.Path;

/** Where the committed iris artifacts live, seen from this module (surefire runs in the module folder). */
final class IrisFiles {
    static final Path MODEL_DIR =
            Path.of(System.getProperty("basedir", ".")).resolve("../../models/iris").toAbsolutePath().normalize();

    private IrisFiles() {}
}
