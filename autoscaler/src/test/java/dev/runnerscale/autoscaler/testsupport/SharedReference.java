package dev.runnerscale.autoscaler.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reference data from outside the project ({@code ../shared}: GitHub's OpenAPI description, real webhook payloads,
 * AWS prices). It is never copied into the project. In CI ({@code CI=true}) a missing folder fails the test loudly;
 * elsewhere the test is skipped with a message, since a user may clone the project alone.
 */
public final class SharedReference {

    private SharedReference() {}

    /** The shared folder, after failing (CI) or skipping (elsewhere) when it is absent. */
    public static Path dir() {
        String configured = System.getProperty("runnerscale.shared-dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("github"))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but the shared reference folder is missing: " + dir);
            }
            assumeTrue(false, "skipped: shared reference folder not found at " + dir + " (see ../shared/README.md)");
        }
        return dir;
    }

    /** A file under the shared folder, e.g. {@code github/webhooks/workflow_job.queued.payload.json}. */
    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("shared reference file missing: " + file);
        }
        return file;
    }

    public static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
