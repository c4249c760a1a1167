package io.skiff.faults;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the suite finds the launcher script and puts its runs, as the build tells it. */
final class Suite {
    private Suite() {
    }

    /** @return the {@code skiff} script at the repository root. */
    static Path launcher() {
        final Path launcher = Path.of(System.getProperty("skiff.faults.launcher", "../skiff")).toAbsolutePath()
            .normalize();
        if (!Files.isRegularFile(launcher)) {
            throw new IllegalStateException("the launcher script is not at " + launcher);
        }
        if (!Files.isDirectory(launcher.resolveSibling("skiff-cli").resolve("target").resolve("lib"))) {
            throw new IllegalStateException("skiff-cli is not packaged: run mvn -B -pl skiff-faults -am verify, which "
                + "packages it and lays out skiff-cli/target/lib first");
        }
        return launcher;
    }

    /** @return a run's directory, kept when the run fails. */
    static Path directory(String name) {
        return Path.of(System.getProperty("skiff.faults.workDirectory", "target/fault-runs")).toAbsolutePath()
            .resolve(name);
    }

    static long longProperty(String name, long defaultValue) {
        return Long.parseLong(System.getProperty(name, String.valueOf(defaultValue)).trim());
    }
}
