package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.chartchecks.support.BoundConfiguration;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Charts.Values;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runner pods are made by the autoscaler, not by the chart: the pools the chart configures are bound into the real
 * records and fed to the real {@link RunnerPodFactory}, and its pods are checked like the chart's own.
 */
class RunnerPodHardeningTest {

    @ParameterizedTest
    @EnumSource(Values.class)
    void theRunnerPodsOfTheChartsPoolsAreHardened(Values values) {
        for (Pool pool : pools(Charts.render("autoscaler", values).applicationYaml())) {
            Pod pod = RunnerPodFactory.desiredPod(pool, 0, "rs-" + pool.name() + "-0-abcde", false);
            assertThat(pod.getSpec().getAutomountServiceAccountToken())
                    .as(pool.name())
                    .isFalse();
            assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.getMetadata().getNamespace()).isEqualTo(pool.namespace());
            for (Container c : pod.getSpec().getContainers()) {
                assertThat(c.getSecurityContext().getPrivileged())
                        .as(c.getName())
                        .isNotEqualTo(Boolean.TRUE);
                assertThat(c.getSecurityContext().getRunAsNonRoot())
                        .as(c.getName())
                        .isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
                assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
            }
        }
    }

    @Test
    void onlyAnExplicitDockerInDockerOptInAddsAPrivilegedContainer() {
        Map<String, Object> values = Charts.readYaml(Charts.chart("autoscaler").resolve("values.yaml"));
        ValuesSchemaTest.map(ValuesSchemaTest.pool(values, 1), "pod").put("docker-in-docker", true);
        List<Pool> pools = pools(Charts.render("autoscaler", values).applicationYaml());
        Pod plain = RunnerPodFactory.desiredPod(pools.get(0), 0, "rs-a", false);
        Pod dind = RunnerPodFactory.desiredPod(pools.get(1), 0, "rs-b", false);
        assertThat(plain.getSpec().getContainers())
                .noneMatch(c -> Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
        assertThat(plain.getSpec().getInitContainers()).isNullOrEmpty();
        // the daemon is a native sidecar (an init container that keeps running), the only privileged container
        assertThat(dind.getSpec().getContainers())
                .noneMatch(c -> Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
        assertThat(dind.getSpec().getInitContainers())
                .filteredOn(c -> Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()))
                .extracting(Container::getName)
                .containsExactly("dind");
        assertThat(dind.getSpec().getInitContainers())
                .allSatisfy(c -> assertThat(c.getRestartPolicy()).isEqualTo("Always"));
        assertThat(java.util.stream.Stream.concat(
                        dind.getSpec().getContainers().stream(), dind.getSpec().getInitContainers().stream()))
                .allSatisfy(c -> assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory"));
    }

    static List<Pool> pools(String applicationYaml) {
        return new BoundConfiguration(applicationYaml, Map.of())
                .bind("runnerscale", PoolsProperties.class)
                .pools();
    }
}
