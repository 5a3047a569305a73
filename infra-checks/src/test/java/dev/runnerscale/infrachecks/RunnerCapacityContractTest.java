package dev.runnerscale.infrachecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.infrachecks.Terraform.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The runner groups are driven by the autoscaler's {@code auto-scaling-group} capacity provider, which finds them
 * by name and tag and expects their nodes' labels and taint: these are the names, tags, labels and taint of the
 * "Runner nodes" contract, read from modules/runner-capacity as Terraform will apply them.
 */
class RunnerCapacityContractTest {

    private static final String TAINT = "runnerscale.dev/runners=true:NoSchedule";

    private static Module capacity;

    @BeforeAll
    static void parse() {
        capacity = Terraform.load().module("modules/runner-capacity");
    }

    @ParameterizedTest(name = "{0} group")
    @CsvSource({"spot, spot, spot", "on_demand, on-demand, on-demand"})
    void groupIsNamedClusterPoolCapacityTypeAndStartsEmpty(String module, String suffix, String capacityType) {
        JsonNode group = group(module);
        assertThat(capacity.resolveLocals(group.path("name").asString()))
                .isEqualTo("${var.cluster_name}-${var.pool_name}-" + suffix);
        assertThat(group.path("use_name_prefix").asBoolean(true))
                .as("a name prefix would append a random suffix the autoscaler cannot know")
                .isFalse();
        assertThat(group.path("min_size").asInt(-1)).isZero();
        assertThat(group.path("desired_size").asInt(-1)).isZero();
    }

    @ParameterizedTest(name = "{0} group")
    @CsvSource({"spot, spot", "on_demand, on-demand"})
    void groupCarriesTheContractTags(String module, String capacityType) {
        Map<String, String> tags = new TreeMap<>();
        group(module)
                .path("autoscaling_group_tags")
                .properties()
                .forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
        assertThat(tags)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "runnerscale.dev/managed", "true",
                        "runnerscale.dev/pool", "${var.pool_name}",
                        "runnerscale.dev/capacity-type", capacityType,
                        "k8s.io/cluster-autoscaler/enabled", "false"));
    }

    @ParameterizedTest(name = "{0} group")
    @CsvSource({"spot, spot", "on_demand, on-demand"})
    void nodesRegisterWithThePoolLabelsAndTheRunnerTaint(String module, String capacityType) {
        List<String> flags = kubeletFlags(group(module));
        assertThat(flags)
                .containsExactlyInAnyOrder(
                        "--node-labels=runnerscale.dev/pool=${var.pool_name},runnerscale.dev/capacity-type="
                                + capacityType,
                        "--register-with-taints=" + TAINT);
        assertThat(capacity.resolveLocals("${local.runner_taint}")).isEqualTo(TAINT);
    }

    @ParameterizedTest(name = "{0} group")
    @CsvSource({"spot", "on_demand"})
    void groupLaunchesSeveralInstanceTypesFromOneLaunchTemplate(String module) {
        JsonNode policy = group(module).path("mixed_instances_policy");
        assertThat(group(module).path("use_mixed_instances_policy").asBoolean()).isTrue();
        assertThat(policy.path("launch_template").path("override").asString())
                .as("one override per instance type of the pool")
                .contains("for instance_type in var.instance_types");
    }

    @org.junit.jupiter.api.Test
    void spotGroupIsAllSpotWithPriceCapacityOptimizedAllocation() {
        JsonNode distribution = group("spot").path("mixed_instances_policy").path("instances_distribution");
        assertThat(distribution.path("spot_allocation_strategy").asString()).isEqualTo("price-capacity-optimized");
        assertThat(distribution.path("on_demand_base_capacity").asInt(-1)).isZero();
        assertThat(distribution.path("on_demand_percentage_above_base_capacity").asInt(-1))
                .isZero();
    }

    @org.junit.jupiter.api.Test
    void onDemandGroupIsAllOnDemand() {
        JsonNode distribution =
                group("on_demand").path("mixed_instances_policy").path("instances_distribution");
        assertThat(distribution.path("on_demand_base_capacity").asInt(-1)).isZero();
        assertThat(distribution.path("on_demand_percentage_above_base_capacity").asInt(-1))
                .isEqualTo(100);
    }

    @org.junit.jupiter.api.Test
    void outputsNameBothGroupsForTheAutoscalerConfiguration() {
        assertThat(capacity.outputs().get("spot_group_name").path("value").asString())
                .isEqualTo("${module.spot.autoscaling_group_name}");
        assertThat(capacity.outputs().get("on_demand_group_name").path("value").asString())
                .isEqualTo("${module.on_demand.autoscaling_group_name}");
    }

    private static JsonNode group(String module) {
        JsonNode call = capacity.moduleCalls().get(module).block();
        assertThat(call.path("source").asString())
                .isEqualTo("terraform-aws-modules/eks/aws//modules/self-managed-node-group");
        return call;
    }

    /** The kubelet flags of the nodeadm NodeConfig part(s) of the group's cloud-init, with locals resolved. */
    private static List<String> kubeletFlags(JsonNode group) {
        List<String> flags = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        for (JsonNode part : group.path("cloudinit_pre_nodeadm")) {
            assertThat(part.path("content_type").asString()).isEqualTo("application/node.eks.aws");
            JsonNode config =
                    yaml.readTree(capacity.resolveLocals(part.path("content").asString()));
            assertThat(config.path("kind").asString()).isEqualTo("NodeConfig");
            config.path("spec").path("kubelet").path("flags").forEach(f -> flags.add(f.asString()));
        }
        return flags;
    }
}
