package io.mlserve.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
    @TempDir
    Path task;

    @Test
    void directory_shouldBeTheUnpackedNatives_whenTheTaskRootHasThem() throws Exception {
        var dir = Files.createDirectories(task.resolve(NativeLibraries.IN_JAR));
        Files.write(dir.resolve("libonnxruntime.so"), new byte[] {1});
        Files.write(dir.resolve("libonnxruntime4j_jni.so"), new byte[] {1});

        assertThat(NativeLibraries.directory(task.toString(), "Linux", "amd64")).isEqualTo(dir);
    }

    @Test
    void directory_shouldBeNull_whenNotUnpackedOrNotLinuxX64() throws Exception {
        assertThat(NativeLibraries.directory(task.toString(), "Linux", "amd64")).isNull();
        assertThat(NativeLibraries.directory(null, "Linux", "amd64")).isNull();
        var dir = Files.createDirectories(task.resolve(NativeLibraries.IN_JAR));
        Files.write(dir.resolve("libonnxruntime.so"), new byte[] {1});
        Files.write(dir.resolve("libonnxruntime4j_jni.so"), new byte[] {1});
        assertThat(NativeLibraries.directory(task.toString(), "Mac OS X", "aarch64")).isNull();
    }
}
