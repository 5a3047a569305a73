package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Terraform.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Both environments are complete (tfvars against variables), keep their state remotely with locking, and are
 * sized as designed. */
class EnvironmentsTest {

    private static Terraform terraform;

    @BeforeAll
    static void parse() {
        terraform = Terraform.load();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void tfvarsSetEveryRequiredVariableAndNothingUndeclared(String env) {
        Module module = terraform.module("environments/" + env);
        JsonNode tfvars = terraform.tfvars("environments/" + env + "/terraform.tfvars");
        Set<String> given = new TreeSet<>();
        tfvars.properties().forEach(e -> given.add(e.getKey()));

        List<String> problems = new ArrayList<>();
        module.variables().values().stream()
                .filter(v -> !v.hasDefault() && !given.contains(v.name()))
                .forEach(v -> problems.add(env + ": terraform.tfvars does not set " + v.name()));
        given.stream()
                .filter(name -> !module.variables().containsKey(name))
                .forEach(name -> problems.add(env + ": terraform.tfvars sets undeclared " + name));
        assertThat(problems).isEmpty();
    }

    @Test
    void bothEnvironmentsDeclareTheSameVariablesAndOutputs() {
        Module dev = terraform.module("environments/dev");
        Module prod = terraform.module("environments/prod");
        assertThat(dev.variables().keySet()).isEqualTo(prod.variables().keySet());
        assertThat(dev.outputs().keySet()).isEqualTo(prod.outputs().keySet());
        assertThat(dev.outputs().keySet())
                .as("outputs scripts/deploy.sh turns into Helm values")
                .contains(
                        "region",
                        "cluster_name",
                        "autoscaler_role_arn",
                        "task_api_role_arn",
                        "ecr_repository_urls",
                        "database_address",
                        "database_secret_arn",
                        "runner_pools");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void stateIsRemoteInS3WithLocking(String env) {
        JsonNode backend = terraform.module("environments/" + env).files().values().stream()
                .map(body -> body.path("terraform").path(0).path("backend"))
                .filter(b -> !b.isMissingNode())
                .findFirst()
                .orElseThrow(() -> new AssertionError(env + " has no backend"));
        JsonNode s3 = backend.path("s3").path(0);
        assertThat(s3.isMissingNode()).as(env + " backend is s3").isFalse();
        assertThat(s3.path("use_lockfile").asBoolean() || s3.has("dynamodb_table"))
                .as(env + " state locking")
                .isTrue();
        assertThat(s3.path("encrypt").asBoolean()).as(env + " state encryption").isTrue();
        assertThat(s3.path("key").asString()).contains("/" + env + "/");
        assertThat(s3.path("key").asString())
                .isEqualTo(terraform
                        .tfvars("environments/" + env + "/terraform.tfvars")
                        .path("state_key")
                        .asString());
        assertThat(s3.path("region").asString())
                .isEqualTo(terraform
                        .tfvars("environments/" + env + "/terraform.tfvars")
                        .path("region")
                        .asString());
    }

    @Test
    void devIsSizedAsDesigned() {
        JsonNode dev = terraform.tfvars("environments/dev/terraform.tfvars");
        assertThat(dev.path("region").asString()).isEqualTo("us-east-1");
        assertThat(dev.path("system_node_min_size").asInt()).isEqualTo(1);
        assertThat(dev.path("system_node_max_size").asInt()).isEqualTo(3);
        assertThat(dev.path("db_instance_class").asString()).isEqualTo("db.t3.micro");
        assertThat(dev.path("db_backup_retention_days").asInt()).isEqualTo(3);
        assertThat(dev.path("deletion_protection").asBoolean(true)).isFalse();
        assertThat(maxRunners(dev)).isEqualTo(3);
    }

    @Test
    void prodIsSizedAsDesigned() {
        JsonNode prod = terraform.tfvars("environments/prod/terraform.tfvars");
        assertThat(prod.path("region").asString()).isEqualTo("us-west-2");
        assertThat(prod.path("system_node_min_size").asInt()).isEqualTo(3);
        assertThat(prod.path("system_node_max_size").asInt()).isEqualTo(20);
        assertThat(prod.path("db_instance_class").asString()).isEqualTo("db.t3.small");
        assertThat(prod.path("db_backup_retention_days").asInt()).isEqualTo(14);
        assertThat(prod.path("deletion_protection").asBoolean(false)).isTrue();
        assertThat(maxRunners(prod)).isEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void runnerPoolsUseSeveralInstanceTypesAndSelfHostedLabels(String env) {
        JsonNode pools =
                terraform.tfvars("environments/" + env + "/terraform.tfvars").path("runner_pools");
        assertThat(pools.properties()).isNotEmpty();
        pools.properties().forEach(pool -> {
            assertThat(pool.getKey()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(40);
            assertThat(pool.getValue().path("instance_types").size()).isGreaterThanOrEqualTo(2);
            List<String> labels = new ArrayList<>();
            pool.getValue().path("labels").forEach(l -> labels.add(l.asString()));
            assertThat(labels).contains("self-hosted");
        });
    }

    /** The largest pool's max runners: each pool scales from 0 to its max. */
    private static int maxRunners(JsonNode tfvars) {
        int max = -1;
        for (var pool : tfvars.path("runner_pools").properties()) {
            max = Math.max(max, pool.getValue().path("max_runners").asInt());
        }
        return max;
    }
}
