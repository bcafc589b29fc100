package io.mlserve.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points ONNX Runtime at its native libraries where they already lie unpacked, so it does not copy them
 * out of the jar into /tmp at every start (28 MB written and mapped: 70–290 ms of a cold start). Lambda
 * unpacks the function's zip (our shaded jar) into {@code LAMBDA_TASK_ROOT}, so the libraries are at
 * {@code $LAMBDA_TASK_ROOT/ai/onnxruntime/native/linux-x64/}. Nothing changes when they are not there (a
 * jar on a class path, tests) or when {@code onnxruntime.native.path} is already set.
 */
final class NativeLibraries {
    static final String PROPERTY = "onnxruntime.native.path";
    static final String IN_JAR = "ai/onnxruntime/native/linux-x64";

    private NativeLibraries() {}

    /** Call before the first use of ONNX Runtime. */
    static synchronized void preferUnpacked() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        var root = System.getenv("LAMBDA_TASK_ROOT");
        var dir = directory(root, System.getProperty("os.name"), System.getProperty("os.arch"));
        if (dir != null) {
            System.setProperty(PROPERTY, dir.toString());
        }
    }

    /** @return the unpacked libraries' directory under the task root, or null when they are not there */
    static Path directory(String taskRoot, String os, String arch) {
        if (taskRoot == null || os == null || !os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")
                || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            return null;
        }
        var dir = Path.of(taskRoot, IN_JAR);
        return Files.isRegularFile(dir.resolve("libonnxruntime.so")) && Files.isRegularFile(dir.resolve("libonnxruntime4j_jni.so"))
                ? dir : null;
    }
}
