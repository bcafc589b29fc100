package io.mlserve.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the built function artifacts are, and the emulator bundles made from them. One instance
 * per synth: a bundle is assembled once even when several functions share a module's jar.
 */
public final class Artifacts {
    private final Path repoRoot;
    private final Path bundleRoot;
    private final Map<String, Path> bundles = new HashMap<>();

    /**
     * @param repoRoot repository root (the infra module's parent)
     * @param bundleRoot where emulator bundles are assembled, one directory per function module
     */
    public Artifacts(Path repoRoot, Path bundleRoot) {
        this.repoRoot = repoRoot;
        this.bundleRoot = bundleRoot;
    }

    /** @param repoRoot repository root; bundles go to {@code infra/target/local-bundles} */
    public Artifacts(Path repoRoot) {
        this(repoRoot, repoRoot.resolve("infra/target/local-bundles"));
    }

    /** @return repository root */
    public Path repoRoot() {
        return repoRoot;
    }

    /** @return where emulator bundles are assembled */
    public Path bundleRoot() {
        return bundleRoot;
    }

    /**
     * @param function module name under functions/, e.g. {@code predict}
     * @return the shaded jar deployed to AWS
     */
    public Path jar(String function) {
        var jar = repoRoot.resolve("functions").resolve(function).resolve("target").resolve(function + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package at the repository root first");
        }
        return jar;
    }

    /**
     * Assembles the emulator bundle for one function: {@code bootstrap}, the Runtime Interface
     * Client's jars and JNI library, and the function's jar, in {@code <bundleRoot>/<fn>}. Rebuilt at
     * every synth, so the zip CDK makes of it always holds the current jar.
     *
     * @param function module name under functions/
     * @return the bundle directory (CDK zips it)
     */
    public Path localBundle(String function) {
        return bundles.computeIfAbsent(function, this::assemble);
    }

    private Path assemble(String function) {
        var runtime = repoRoot.resolve("functions/local-runtime/target/runtime");
        var bootstrap = runtime.resolve("bootstrap");
        if (!Files.isRegularFile(bootstrap)) {
            throw new IllegalStateException(bootstrap + " is missing: run ./mvnw package at the repository root first");
        }
        var bundle = bundleRoot.resolve(function);
        try {
            deleteRecursively(bundle);
            Files.createDirectories(bundle.resolve("lib"));
            Files.createDirectories(bundle.resolve("jni"));
            copyAll(runtime.resolve("lib"), bundle.resolve("lib"));
            copyAll(runtime.resolve("jni"), bundle.resolve("jni"));
            Files.copy(jar(function), bundle.resolve("lib").resolve(function + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            var target = bundle.resolve("bootstrap");
            Files.copy(bootstrap, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not assemble the emulator bundle for " + function, e);
        }
        return bundle;
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (var file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
