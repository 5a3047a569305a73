package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Workflows.Job;
import dev.runnerscale.infrachecks.Workflows.Pool;
import dev.runnerscale.infrachecks.Workflows.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The rules our workflows live by: our own runners, least privilege, pinned actions, one run at a time. */
class WorkflowPolicyTest {

    /** uses: owner/repo[/path]@<40 hex> # vX.Y.Z */
    private static final Pattern PINNED_USES = Pattern.compile(
            "^\\s*(?:-\\s+)?uses:\\s+[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}\\s+#\\s+v\\d+\\.\\d+\\.\\d+\\s*$");

    private static final Pattern USES_LINE = Pattern.compile("^\\s*(?:-\\s+)?uses:\\s+(\\S+)");

    /**
     * What each write scope is for: a job may hold a write scope only if one of its steps does this. A scope not
     * listed here has no known use in this repository and is refused.
     */
    private static final Map<String, Predicate<JsonNode>> WRITE_SCOPE_USES = Map.ofEntries(
            Map.entry(
                    "id-token",
                    step -> uses(step, "aws-actions/configure-aws-credentials")
                            && step.path("with").has("role-to-assume")),
            Map.entry("actions", step -> runs(step, "gh workflow run") || runs(step, "scripts/deploy.sh verify")),
            Map.entry("contents", step -> runs(step, "git push") || runs(step, "gh release")),
            Map.entry("packages", step -> runs(step, "ghcr.io")),
            Map.entry("pull-requests", step -> runs(step, "gh pr comment") || runs(step, "gh pr review")),
            Map.entry("issues", step -> runs(step, "gh issue")),
            Map.entry(
                    "checks", step -> uses(step, "dorny/test-reporter") || uses(step, "mikepenz/action-junit-report")),
            Map.entry("security-events", step -> uses(step, "github/codeql-action/upload-sarif")),
            Map.entry("attestations", step -> uses(step, "actions/attest-build-provenance")));

    @Test
    void theThreeWorkflowsOfTheDesignExist() {
        assertThat(Workflows.load()).extracting(Workflow::name).contains("ci.yml", "deploy.yml", "terraform.yml");
    }

    @Test
    void tokenHasNoRightsUnlessAJobAsks() {
        for (Workflow workflow : Workflows.load()) {
            JsonNode permissions = workflow.yaml().path("permissions");
            assertThat(permissions.isObject() && permissions.isEmpty())
                    .as(workflow.name() + " top-level permissions: {}")
                    .isTrue();
        }
    }

    @Test
    void everyJobHoldsOnlyTheWritePermissionsItUses() {
        List<String> problems = new ArrayList<>();
        for (Workflow workflow : Workflows.load()) {
            for (Job job : workflow.jobs()) {
                JsonNode permissions = job.yaml().path("permissions");
                if (!permissions.isObject()) {
                    problems.add(job.where() + " does not declare its permissions as a map (" + permissions + ")");
                    continue;
                }
                permissions.properties().forEach(scope -> {
                    String level = scope.getValue().asString();
                    if (!level.equals("write")) {
                        return;
                    }
                    Predicate<JsonNode> use = WRITE_SCOPE_USES.get(scope.getKey());
                    if (use == null) {
                        problems.add(job.where() + " has " + scope.getKey() + ": write, which nothing here uses");
                    } else if (job.steps().stream().noneMatch(use)) {
                        problems.add(job.where() + " has " + scope.getKey() + ": write but no step that uses it");
                    }
                });
                boolean assumesRole = job.steps().stream().anyMatch(WRITE_SCOPE_USES.get("id-token"));
                if (assumesRole && !permissions.path("id-token").asString("").equals("write")) {
                    problems.add(job.where() + " assumes an AWS role through OIDC without id-token: write");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyThirdPartyActionIsPinnedByCommitWithItsVersion() {
        List<String> problems = new ArrayList<>();
        int pinned = 0;
        for (Workflow workflow : Workflows.load()) {
            String[] lines = workflow.text().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                var uses = USES_LINE.matcher(lines[i]);
                if (!uses.find() || uses.group(1).startsWith("./")) {
                    continue;
                }
                if (PINNED_USES.matcher(lines[i]).matches()) {
                    pinned++;
                } else {
                    problems.add(workflow.name() + ":" + (i + 1) + " `" + lines[i].trim()
                            + "` is not pinned as owner/repo@<full commit SHA> # vX.Y.Z");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(pinned).as("pinned actions").isPositive();
    }

    @Test
    void everyJobRunsOnOurRunnersThroughAPoolOfTheAutoscalerChart() {
        List<Pool> pools = Workflows.chartPools();
        List<String> problems = new ArrayList<>();
        for (Workflow workflow : Workflows.load()) {
            for (Job job : workflow.jobs()) {
                if (job.yaml().has("uses")) {
                    continue; // a reusable workflow call: its own jobs say where they run
                }
                List<String> labels = job.runsOn();
                if (labels.stream().noneMatch(l -> l.toLowerCase(Locale.ROOT).equals("self-hosted"))) {
                    problems.add(job.where() + " runs on " + labels + ", not on our self-hosted runners");
                } else if (labels.stream().anyMatch(l -> l.contains("${{"))) {
                    problems.add(job.where() + " computes its runs-on labels, which cannot be checked: " + labels);
                } else if (pools.stream().noneMatch(pool -> pool.serves(labels))) {
                    problems.add(job.where() + " runs on " + labels + ", which no pool of "
                            + Repo.relative(Repo.AUTOSCALER_VALUES) + " serves (pools: " + pools + ")");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyWorkflowRunsOneAtATimePerRefOrEnvironment() {
        for (Workflow workflow : Workflows.load()) {
            boolean workflowLevel = workflow.yaml().has("concurrency");
            boolean everyJob = workflow.jobs().stream().allMatch(j -> j.yaml().has("concurrency"));
            assertThat(workflowLevel || everyJob)
                    .as(workflow.name() + " concurrency")
                    .isTrue();
        }
    }

    @Test
    void ciVerifiesPullRequestsAndMainWithAMavenCacheAndUploadsTestReports() {
        Workflow ci = workflow("ci.yml");
        assertThat(ci.yaml().path("on").has("pull_request")).isTrue();
        assertThat(ci.yaml().path("on").path("push").path("branches").toString())
                .contains("\"main\"");
        Job verify = ci.jobs().get(0);
        assertThat(verify.steps()).anyMatch(s -> runs(s, ".ci/run"));
        assertThat(Repo.read(Repo.ROOT.resolve(".ci/run"))).contains("./mvnw -B -ntp verify");
        assertThat(verify.steps())
                .anyMatch(s -> uses(s, "actions/setup-java")
                        && s.path("with").path("cache").asString().equals("maven"));
        assertThat(verify.steps())
                .anyMatch(s -> uses(s, "actions/upload-artifact")
                        && s.path("with").path("path").asString().contains("surefire-reports"));
    }

    @Test
    void deployBuildsWithJibAndDeploysAtomicallyDevOnMainProdOnATagBehindItsEnvironment() {
        Workflow deploy = workflow("deploy.yml");
        JsonNode push = deploy.yaml().path("on").path("push");
        assertThat(push.path("branches").toString()).contains("\"main\"");
        assertThat(push.path("tags").toString()).contains("v[0-9]+");
        Job job = deploy.jobs().get(0);
        assertThat(job.yaml().path("environment").path("name").asString())
                .contains("refs/tags/v")
                .contains("'prod'")
                .contains("'dev'");
        assertThat(job.steps())
                .anyMatch(s -> runs(s, "jib:build") && runs(s, "-Dimage.version") && runs(s, "-Dimage.commit"));
        assertThat(job.steps()).anyMatch(s -> runs(s, "scripts/deploy.sh charts"));
        assertThat(deploy.yaml().path("concurrency").path("cancel-in-progress").asBoolean(true))
                .as("a deployment is never cancelled halfway")
                .isFalse();
        assertThat(Repo.read(Repo.SCRIPTS.resolve("deploy.sh"))).contains("--atomic");
    }

    @Test
    void terraformChecksFormatValidatesAndPlansPullRequestsTouchingTerraform() {
        Workflow terraform = workflow("terraform.yml");
        assertThat(terraform
                        .yaml()
                        .path("on")
                        .path("pull_request")
                        .path("paths")
                        .toString())
                .contains("terraform/**");
        String runs = terraform.jobs().stream()
                .flatMap(j -> j.steps().stream())
                .map(s -> s.path("run").asString(""))
                .reduce("", String::concat);
        assertThat(runs).contains("terraform fmt -check", "validate", "terraform plan");
    }

    private static Workflow workflow(String name) {
        return Workflows.load().stream()
                .filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(".github/workflows/" + name + " is missing"));
    }

    private static boolean uses(JsonNode step, String action) {
        return step.path("uses").asString("").startsWith(action + "@");
    }

    private static boolean runs(JsonNode step, String text) {
        return step.path("run").asString("").contains(text);
    }
}
