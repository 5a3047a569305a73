package dev.runnerscale.chartchecks.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools the checks run (Prometheus and promtool, Debian's {@code prometheus} package). Missing in CI
 * ({@code CI=true}) is a failure; elsewhere the test is skipped with a message saying how to install them.
 */
public final class Tools {

    private Tools() {}

    public static Path require(String tool) {
        return require(
                tool,
                "install Debian's prometheus package"
                        + " (sudo apt-get install --no-install-recommends prometheus), which .ci/run does in CI");
    }

    /** {@code tool} from the PATH; {@code install} says how to get it. */
    public static Path require(String tool, String install) {
        Optional<Path> found = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        String message = tool + " is not installed: " + install;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new IllegalStateException("unreachable");
    }
}
