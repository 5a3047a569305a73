package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.CapacityProvider;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.chartchecks.support.BoundConfiguration;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Charts.Values;
import dev.runnerscale.chartchecks.support.Rendered;
import dev.runnerscale.chartchecks.support.Tools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code scripts/deploy.sh} turns Terraform's outputs into the values of both charts. Nothing here can reach AWS, so
 * the script runs for real against a stand-in {@code terraform} that answers {@code output -json} in Terraform's own
 * shape, and what it writes is installed the way the script installs it (the environment's values file, then the
 * written one), validated by the charts' schemas, and bound into the application's configuration records. A value
 * name the chart does not have, a Secret key the templates do not read, or a pool the application would refuse at
 * start-up fails here instead of in a {@code helm upgrade --atomic} on a real cluster.
 */
class DeployScriptValuesTest {

    private static final String JQ = "install jq (sudo apt-get install --no-install-recommends jq), which .ci/run does"
            + " in CI; deploy.sh needs it";

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(
            value = Values.class,
            names = {"DEV", "PROD"})
    void theAutoscalersValuesFromTerraformInstallAndBindIntoItsConfiguration(Values values) throws IOException {
        String env = env(values);
        Path written = runValues(env, Map.of("GITHUB_APP_ID", "123456"));

        Rendered rendered = Charts.render("autoscaler", values, written.resolve("autoscaler.json"));
        BoundConfiguration config = new BoundConfiguration(
                rendered.applicationYaml(), ApplicationConfigurationTest.secretEnvironment(rendered));
        PoolsProperties pools = config.bind("runnerscale", PoolsProperties.class);
        GitHubProperties github = config.bind("runnerscale.github", GitHubProperties.class);

        // Terraform's pools replace the chart's samples, each driven through its own two groups
        assertThat(pools.pools()).extracting(Pool::name).containsExactly("linux-x64-spot");
        Pool pool = pools.pools().get(0);
        assertThat(pool.labels()).containsExactly("self-hosted", "linux", "x64", "spot");
        assertThat(pool.github().owner()).isEqualTo("acme");
        assertThat(pool.max()).isEqualTo(values == Values.DEV ? 3 : 10);
        assertThat(pool.namespace()).isEqualTo("runnerscale-runners");
        assertThat(pool.capacity().provider()).isEqualTo(CapacityProvider.AUTO_SCALING_GROUP);
        assertThat(pool.capacity().autoScalingGroup().spotGroup())
                .isEqualTo("runnerscale-" + env + "-linux-x64-spot-spot");
        assertThat(pool.capacity().autoScalingGroup().onDemandGroup())
                .isEqualTo("runnerscale-" + env + "-linux-x64-spot-on-demand");
        assertThat(pool.capacity().autoScalingGroup().podsPerNode()).isEqualTo(2);
        assertThat(pool.pod().nodeSelector()).containsEntry("runnerscale.dev/pool", "linux-x64-spot");
        assertThat(pool.pod().tolerations())
                .extracting(PoolsProperties.Toleration::key)
                .containsExactly("runnerscale.dev/runners");

        // one App for every organisation: no installation pinned, each owner's is looked up
        assertThat(github.appId()).isEqualTo(123456L);
        assertThat(github.installationId()).isNull();
        assertThat(github.mode()).isEqualTo(GitHubProperties.Mode.APP);

        // what the script writes (pools, the App) is read whole; the other sections are ApplicationConfigurationTest's
        List<String> unread = config.names("runnerscale").stream()
                .filter(name -> name.startsWith("runnerscale.pools") || name.startsWith("runnerscale.github"))
                .filter(name -> !config.read(name))
                .filter(name -> ApplicationConfigurationTest.POOL_KEYS_NOT_YET_IN_THE_CODE.stream()
                        .noneMatch(pending -> ApplicationConfigurationTest.isUnder(name, pending)))
                .toList();
        assertThat(unread)
                .as("keys the script's values render that no record reads")
                .isEmpty();

        Deployment deployment = rendered.one(Deployment.class);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage())
                .isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com/runnerscale/autoscaler:1.4.0");
        // the environment's sizing survives: the script's values go over values-<env>.yaml, not instead of it
        assertThat(deployment.getSpec().getReplicas())
                .isEqualTo(Charts.render("autoscaler", values)
                        .one(Deployment.class)
                        .getSpec()
                        .getReplicas());
        assertThat(secretOf(container, "SPRING_DATASOURCE_URL")).isEqualTo("runnerscale-database/url");
        assertThat(secretOf(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("runnerscale-database/password");
        assertThat(rendered.one(ServiceAccount.class).getMetadata().getAnnotations())
                .containsEntry(
                        "eks.amazonaws.com/role-arn",
                        "arn:aws:iam::123456789012:role/runnerscale-" + env + "-autoscaler");
    }

    @ParameterizedTest
    @EnumSource(
            value = Values.class,
            names = {"DEV", "PROD"})
    void theTaskApisValuesFromTerraformReachTheDatabaseThroughItsSecretAndPolicy(Values values) throws IOException {
        String env = env(values);
        Path written = runValues(env, Map.of());

        Rendered rendered = Charts.render("task-api", values, written.resolve("task-api.json"));
        Deployment deployment = rendered.one(Deployment.class);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage())
                .isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com/runnerscale/task-api:1.4.0");
        assertThat(secretOf(container, "SPRING_DATASOURCE_URL")).isEqualTo("task-api-database/url");
        assertThat(rendered.one(ServiceAccount.class).getMetadata().getAnnotations())
                .containsEntry(
                        "eks.amazonaws.com/role-arn",
                        "arn:aws:iam::123456789012:role/runnerscale-" + env + "-task-api");
        // egress to PostgreSQL is allowed to the environment's VPC, not the chart's sample range
        assertThat(rendered.all(NetworkPolicy.class).stream()
                        .flatMap(p -> p.getSpec().getEgress().stream())
                        .flatMap(rule -> rule.getTo().stream())
                        .filter(peer -> peer.getIpBlock() != null)
                        .map(peer -> peer.getIpBlock().getCidr()))
                .contains(vpcCidr(env))
                .doesNotContain("10.0.0.0/16");
    }

    @Test
    void withoutTheOwnerOrTheTagNothingIsWrittenAndTheMessageSaysWhatToSet() throws IOException {
        Path out = Files.createDirectories(temp.resolve("refused"));
        Map<String, String> noOwner = baseEnvironment("dev");
        noOwner.remove("GITHUB_OWNER");
        Result result = run(List.of("values", "dev", out.toString()), noOwner);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("GITHUB_OWNER");

        Map<String, String> noTag = baseEnvironment("dev");
        noTag.remove("IMAGE_TAG");
        result = run(List.of("values", "dev", out.toString()), noTag);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("IMAGE_TAG");

        result = run(List.of("values", "staging", out.toString()), baseEnvironment("dev"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("unknown environment 'staging'");
        try (var files = Files.list(out)) {
            assertThat(files).isEmpty();
        }
    }

    private Path runValues(String env, Map<String, String> extra) throws IOException {
        Path out = Files.createDirectories(temp.resolve("values-" + env));
        Map<String, String> environment = baseEnvironment(env);
        environment.putAll(extra);
        Result result = run(List.of("values", env, out.toString()), environment);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return out;
    }

    private Map<String, String> baseEnvironment(String env) throws IOException {
        Path jq = Tools.require("jq", JQ);
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path outputs = temp.resolve("outputs-" + env + ".json");
        Files.writeString(outputs, outputs(env));
        // Terraform as deploy.sh calls it: init does nothing, output -json prints the environment's outputs
        Path terraform = bin.resolve("terraform");
        Files.writeString(terraform, """
                #!/usr/bin/env bash
                for arg in "$@"; do
                  if [[ "$arg" == output ]]; then cat "$FAKE_TERRAFORM_OUTPUTS"; exit 0; fi
                done
                exit 0
                """);
        Files.setPosixFilePermissions(terraform, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = new HashMap<>();
        environment.put(
                "PATH", bin + ":" + jq.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("HOME", temp.toString());
        environment.put("FAKE_TERRAFORM_OUTPUTS", outputs.toString());
        environment.put("GITHUB_OWNER", "acme");
        environment.put("IMAGE_TAG", "1.4.0");
        return environment;
    }

    /** {@code terraform output -json}: each output as {sensitive, type, value}; names as the environments have them. */
    private static String outputs(String env) {
        String max = env.equals("dev") ? "3" : "10";
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("region", "\"us-east-1\"");
        values.put("cluster_name", "\"runnerscale-" + env + "\"");
        values.put("vpc_id", "\"vpc-0abc\"");
        values.put("vpc_cidr", "\"" + vpcCidr(env) + "\"");
        values.put("autoscaler_role_arn", "\"arn:aws:iam::123456789012:role/runnerscale-" + env + "-autoscaler\"");
        values.put("task_api_role_arn", "\"arn:aws:iam::123456789012:role/runnerscale-" + env + "-task-api\"");
        values.put(
                "ecr_repository_urls",
                "{\"runnerscale/autoscaler\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/runnerscale/autoscaler\","
                        + " \"runnerscale/task-api\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/runnerscale/task-api\"}");
        values.put("database_address", "\"runnerscale-" + env + ".abc.us-east-1.rds.amazonaws.com\"");
        values.put("database_port", "5432");
        values.put("database_name", "\"runnerscale\"");
        values.put("database_secret_arn", "\"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1\"");
        values.put(
                "runner_pools",
                "{\"linux-x64-spot\": {\"labels\": [\"self-hosted\", \"linux\", \"x64\", \"spot\"], \"max_runners\": "
                        + max + ", \"pods_per_node\": 2, \"spot_group\": \"runnerscale-" + env
                        + "-linux-x64-spot-spot\", \"on_demand_group\": \"runnerscale-" + env
                        + "-linux-x64-spot-on-demand\", \"node_taint\": {\"key\": \"runnerscale.dev/runners\","
                        + " \"value\": \"true\", \"effect\": \"NO_SCHEDULE\"}}}");
        StringBuilder json = new StringBuilder("{");
        values.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(name)
                .append("\": {\"sensitive\": false, \"type\": \"any\", \"value\": ")
                .append(value)
                .append('}'));
        return json.append('}').toString();
    }

    private static String vpcCidr(String env) {
        return env.equals("dev") ? "10.20.0.0/16" : "10.30.0.0/16";
    }

    private static String env(Values values) {
        return values.name().toLowerCase(Locale.ROOT);
    }

    /** Which Secret and key an environment variable of the container comes from. */
    private static String secretOf(Container container, String variable) {
        EnvVar env = container.getEnv().stream()
                .filter(e -> e.getName().equals(variable))
                .findFirst()
                .orElseThrow(() -> new AssertionError(variable + " is not set"));
        var ref = env.getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> arguments, Map<String, String> environment) {
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", Charts.projectDir().resolve("scripts/deploy.sh").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Charts.projectDir().toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("deploy.sh did not finish within a minute");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
