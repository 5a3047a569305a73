package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.chartchecks.support.Charts;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** values.schema.json refuses each kind of bad value at install time (Helm validates it), naming the culprit. */
class ValuesSchemaTest {

    @Nested
    class Autoscaler {

        @Test
        void acceptsTheDefaults() {
            assertThat(render(values -> {})).contains("kind: Deployment");
        }

        @Test
        void refusesAPoolWithoutAGitHubOwner() {
            assertRefused(values -> github(pool(values, 0)).remove("owner"), "owner");
        }

        @Test
        void refusesAPoolWithABlankGitHubOwner() {
            assertRefused(values -> github(pool(values, 0)).put("owner", ""), "owner");
        }

        @Test
        void refusesANegativeMax() {
            assertRefused(values -> pool(values, 0).put("max", -1), "max");
        }

        @Test
        void refusesAMaxAboveTheApplicationsCap() {
            assertRefused(values -> pool(values, 0).put("max", 1001), "max");
        }

        @Test
        void refusesAnUnknownPoolKey() {
            assertRefused(values -> pool(values, 0).put("maximum", 3), "maximum");
        }

        @Test
        void refusesAnUnknownTopLevelKey() {
            assertRefused(values -> values.put("replicas", 3), "replicas");
        }

        @Test
        void refusesAPoolNameThatCannotNamePods() {
            assertRefused(values -> pool(values, 0).put("name", "Linux_X64"), "name");
        }

        @Test
        void refusesAPoolWithoutLabels() {
            assertRefused(values -> pool(values, 0).put("labels", List.of()), "labels");
        }

        @Test
        void refusesADurationSpringCannotRead() {
            assertRefused(values -> pool(values, 0).put("idle-timeout", "ten minutes"), "idle-timeout");
        }

        @Test
        void refusesAnUnknownCapacityProvider() {
            assertRefused(values -> map(pool(values, 0), "capacity").put("provider", "fargate"), "provider");
        }

        @Test
        void refusesAnAutoScalingGroupProviderWithoutItsSpotGroup() {
            assertRefused(
                    values -> map(pool(values, 0), "capacity").put("provider", "auto-scaling-group"),
                    "auto-scaling-group");
        }

        @Test
        void refusesAnInstallationIdThatIsNotANumber() {
            assertRefused(
                    values -> {
                        map(values, "github").put("appId", "123456");
                        map(values, "github").put("installationId", "acme");
                    },
                    "installationId");
        }

        @Test
        void refusesRunnerEgressThatNoLongerKeepsTheInstanceMetadataServiceOut() {
            assertRefused(
                    values -> map(map(values, "runnerNamespaces"), "networkPolicy")
                            .put("httpsExcept", List.of("10.0.0.0/8")),
                    "httpsExcept");
        }

        @Test
        void refusesAnOperatorApiWithoutATokenUnlessExplicitlyOpen() {
            // The autoscaler refuses to start without an operator token; the chart says so at install time instead.
            assertThatThrownBy(() -> render(values -> map(values, "api").put("existingSecret", "")))
                    .hasMessageContaining("the operator API needs a token")
                    .hasMessageContaining("api.open=true");
            String open = render(values -> {
                map(values, "api").put("existingSecret", "");
                map(values, "api").put("open", true);
            });
            assertThat(open).doesNotContain("RUNNERSCALE_API_TOKENS").contains("open: true");
        }

        @Test
        void refusesAnOpenFlagThatIsNotABoolean() {
            assertRefused(values -> map(values, "api").put("open", "yes"), "open");
        }

        private static String render(Consumer<Map<String, Object>> edit) {
            Map<String, Object> values =
                    Charts.readYaml(Charts.chart("autoscaler").resolve("values.yaml"));
            edit.accept(values);
            return Charts.template("autoscaler", values);
        }

        private static void assertRefused(Consumer<Map<String, Object>> edit, String named) {
            assertThatThrownBy(() -> render(edit))
                    .hasMessageContaining("values don't meet the specifications of the schema")
                    .hasMessageContaining(named);
        }
    }

    @Nested
    class TaskApi {

        @Test
        void refusesAnUnknownTopLevelKey() {
            assertRefused(values -> values.put("replica", 2), "replica");
        }

        @Test
        void refusesAnUtilisationTargetAbove100Percent() {
            assertRefused(
                    values -> map(values, "autoscaling").put("targetCPUUtilizationPercentage", 170),
                    "targetCPUUtilizationPercentage");
        }

        @Test
        void refusesAnIngressPathThatIsNotAPath() {
            assertRefused(values -> map(values, "ingress").put("paths", List.of("tasks")), "paths");
        }

        @Test
        void refusesAContainerWithoutResourceLimits() {
            // Helm merges values over the defaults: null is how a values file removes a key
            assertRefused(values -> map(values, "resources").put("limits", null), "limits");
        }

        @Test
        void refusesABodyLimitSpringCannotRead() {
            assertRefused(values -> map(values, "config").put("max-body-size", "64 kilobytes"), "max-body-size");
        }

        private static void assertRefused(Consumer<Map<String, Object>> edit, String named) {
            Map<String, Object> values =
                    Charts.readYaml(Charts.chart("task-api").resolve("values.yaml"));
            edit.accept(values);
            assertThatThrownBy(() -> Charts.template("task-api", values))
                    .hasMessageContaining("values don't meet the specifications of the schema")
                    .hasMessageContaining(named);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pool(Map<String, Object> values, int index) {
        return (Map<String, Object>) ((List<Object>) values.get("pools")).get(index);
    }

    static Map<String, Object> github(Map<String, Object> pool) {
        return map(pool, "github");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.computeIfAbsent(key, k -> new java.util.LinkedHashMap<>());
    }
}
