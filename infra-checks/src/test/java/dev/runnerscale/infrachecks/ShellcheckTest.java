package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Tools.Result;
import dev.runnerscale.infrachecks.Workflows.Job;
import dev.runnerscale.infrachecks.Workflows.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shellcheck (Debian's package) on every script under scripts/, on .ci/run and on every bash step of the workflows. */
class ShellcheckTest {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{.*?}}");

    @BeforeEach
    void requireShellcheck() {
        Tools.requireExecutable("shellcheck", "install it, e.g. apt-get install -y shellcheck");
    }

    @Test
    void everyScriptIsClean() {
        // every shell script under scripts/ (the demo's Java source beside its wrapper is not one)
        List<Path> scripts = new ArrayList<>(Repo.files(Repo.SCRIPTS, ShellcheckTest::isShellScript));
        scripts.add(Repo.ROOT.resolve(".ci/run"));
        assertThat(scripts)
                .extracting(Repo::relative)
                .contains("scripts/deploy.sh", "scripts/send-webhook", "scripts/demo");
        List<String> command =
                new ArrayList<>(List.of("shellcheck", "--norc", "--external-sources", "--severity=style"));
        scripts.forEach(s -> command.add(s.toString()));
        Result result = Tools.run(command, null);
        assertThat(result.stdout() + result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void everyBashStepOfTheWorkflowsIsClean() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Workflow workflow : Workflows.load()) {
            for (Job job : workflow.jobs()) {
                for (var step : job.steps()) {
                    String script = step.path("run").asString("");
                    String shell = step.path("shell").asString("bash");
                    if (script.isEmpty() || !shell.startsWith("bash")) {
                        continue;
                    }
                    checked++;
                    Result result = Tools.run(shellcheckStdin(), withoutExpressions(script));
                    if (result.exitCode() != 0) {
                        problems.add(job.where() + " step `"
                                + step.path("name")
                                        .asString(script.lines().findFirst().orElse(""))
                                + "`:\n" + result.stdout());
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("bash steps checked").isPositive();
    }

    @Test
    void shellcheckRejectsABrokenScript(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("broken.sh");
        Files.writeString(script, "#!/usr/bin/env bash\nrm -rf $1/*\n");
        Result result = Tools.run(List.of("shellcheck", "--norc", script.toString()), null);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).contains("SC2086");
    }

    /**
     * As actionlint runs shellcheck on run: steps: GitHub expands ${{ }} before bash sees the script, so each
     * expression becomes a same-length word, and the checks that such words trip are off.
     */
    private static List<String> shellcheckStdin() {
        return List.of("shellcheck", "--norc", "--shell=bash", "--exclude=SC1091,SC2194,SC2050,SC2154,SC2157", "-");
    }

    private static String withoutExpressions(String script) {
        Matcher m = EXPRESSION.matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "_".repeat(m.group().length()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A shell script by its name ({@code .sh}) or its first line ({@code #!} naming sh or bash). */
    static boolean isShellScript(Path file) {
        if (file.getFileName().toString().endsWith(".sh")) {
            return true;
        }
        try (var lines = java.nio.file.Files.lines(file)) {
            String first = lines.findFirst().orElse("");
            return first.startsWith("#!") && (first.contains("bash") || first.endsWith("/sh") || first.contains(" sh"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
