package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.RunnerWorld;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RunnerPodFactoryTest {

    private final Pool pool = RunnerWorld.pool("linux-x64-spot", "runners", 0, 10);

    private Container runner(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("runner"))
                .findFirst()
                .orElseThrow();
    }

    @Nested
    class Placement {

        @Test
        void asksForTheCapacityTypeOfThePlacementOverTheTemplatesAndKeepsOffNodesGoingAway() {
            Pool spot = TestPools.pool(
                    "name", "spot",
                    "labels", "self-hosted",
                    "github.owner", "acme",
                    "pod.node-selector[karpenter.sh/capacity-type]", "spot",
                    "pod.node-selector[kubernetes.io/arch]", "amd64");
            Pod pod = RunnerPodFactory.desiredPod(
                    spot,
                    0,
                    "rs-spot-0-abcde",
                    false,
                    new NodeCapacity.Placement(
                            java.util.Map.of("karpenter.sh/capacity-type", "on-demand"),
                            java.util.Map.of("node-b", "spot_interruption", "node-a", "rebalance_recommendation"),
                            java.util.Set.of()));

            assertThat(pod.getSpec().getNodeSelector())
                    .containsExactlyInAnyOrderEntriesOf(
                            java.util.Map.of("karpenter.sh/capacity-type", "on-demand", "kubernetes.io/arch", "amd64"));
            var terms = pod.getSpec()
                    .getAffinity()
                    .getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms();
            assertThat(terms).singleElement().satisfies(term -> {
                assertThat(term.getMatchExpressions()).isNullOrEmpty();
                assertThat(term.getMatchFields()).singleElement().satisfies(f -> {
                    assertThat(f.getKey()).isEqualTo("metadata.name");
                    assertThat(f.getOperator()).isEqualTo("NotIn");
                    assertThat(f.getValues()).containsExactly("node-a", "node-b");
                });
            });
        }

        @Test
        void withoutNoticesThereIsNoAffinityAndTheTemplateDecides() {
            Pod pod = RunnerPodFactory.desiredPod(pool, 0, "rs-x-0-abcde", false);
            assertThat(pod.getSpec().getAffinity()).isNull();
            assertThat(pod.getSpec().getNodeSelector()).isEqualTo(pool.pod().nodeSelector());
        }
    }

    @Nested
    class Pod_ {

        private final Pod pod = RunnerPodFactory.desiredPod(pool, 3, "rs-linux-x64-spot-3-abcde", false);

        @Test
        void isNamedForItsSlotAndLabelledForSelection() {
            assertThat(pod.getMetadata().getName()).isEqualTo("linux-x64-spot-3");
            assertThat(pod.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "runnerscale")
                    .containsEntry("runnerscale.dev/pool", "linux-x64-spot")
                    .containsEntry("runnerscale.dev/slot", "3");
            assertThat(pod.getMetadata().getAnnotations())
                    .containsEntry("runnerscale.dev/runner-name", "rs-linux-x64-spot-3-abcde")
                    .doesNotContainKey("runnerscale.dev/registration");
        }

        @Test
        void refusesASlotOutsideTheCap() {
            assertThatThrownBy(() -> RunnerPodFactory.desiredPod(pool, 10, "x", false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RunnerPodFactory.desiredPod(pool, -1, "x", false))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void isHardenedByDefault() {
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(300L);
            Container runner = runner(pod);
            assertThat(runner.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(runner.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
            assertThat(runner.getSecurityContext().getAllowPrivilegeEscalation())
                    .isFalse();
            assertThat(runner.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(runner.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(runner.getResources().getLimits()).containsKeys("cpu", "memory");
            assertThat(pod.getSpec().getContainers()).hasSize(1);
        }

        @Test
        void carriesTheTemplatesImageNodeSelectorTolerationsAndEnv() {
            assertThat(runner(pod).getImage()).isEqualTo("ghcr.io/actions/actions-runner:2.329.0");
            assertThat(pod.getSpec().getNodeSelector()).containsEntry("karpenter.sh/capacity-type", "spot");
            assertThat(pod.getSpec().getTolerations()).singleElement().satisfies(t -> {
                assertThat(t.getKey()).isEqualTo("spot");
                assertThat(t.getOperator()).isEqualTo("Exists");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
            assertThat(runner(pod).getEnv()).anyMatch(e -> e.getName().equals("RUNNER_FEATURE"));
        }

        @Test
        void mountsTheJitSecretAndNeverCarriesTheConfigItself() {
            assertThat(pod.getSpec().getVolumes())
                    .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("linux-x64-spot-3-jit"));
            String json = Serialization.asJson(pod);
            assertThat(json).doesNotContain("jitconfig\":").doesNotContain("encoded_jit_config");
            assertThat(runner(pod).getEnv()).noneMatch(e -> e.getValueFrom() != null);
        }

        @Test
        void makesADeprecatedRunnerVersionFailLoudlyAndRecordsWhereTheRunnerRegisters() {
            assertThat(runner(pod).getEnv()).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo("ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE");
                assertThat(e.getValue()).isEqualTo("1");
            });
            assertThat(pod.getMetadata().getAnnotations()).containsEntry("runnerscale.dev/github-scope", "acme");
            assertThat(pod.getSpec().getInitContainers()).isNullOrEmpty();
        }

        @Test
        void marksADryRunPodAsRegistrationSkipped() {
            Pod dry = RunnerPodFactory.desiredPod(pool, 0, "rs-linux-x64-spot-0-abcde", true);

            assertThat(dry.getMetadata().getAnnotations())
                    .containsEntry("runnerscale.dev/registration", "skipped-dry-run");
        }

        @Test
        void addsAPrivilegedDockerSideContainerOnlyOnExplicitOptIn() {
            Pool dind = TestPools.pool(
                    "name", "docker",
                    "labels", "self-hosted,docker",
                    "github.owner", "acme",
                    "pod.docker-in-docker", "true",
                    "pod.docker-storage-size", "30Gi");

            Pod pod = RunnerPodFactory.desiredPod(dind, 0, "rs-x", false);

            // a native sidecar: an init container that keeps running, so the pod ends when the runner ends
            assertThat(pod.getSpec().getContainers())
                    .extracting(Container::getName)
                    .containsExactly("runner");
            assertThat(pod.getSpec().getInitContainers()).singleElement().satisfies(sidecar -> {
                assertThat(sidecar.getName()).isEqualTo("dind");
                assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
                assertThat(sidecar.getSecurityContext().getPrivileged()).isTrue();
                assertThat(sidecar.getStartupProbe().getExec().getCommand()).contains("info");
                assertThat(sidecar.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(sidecar.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(sidecar.getVolumeMounts())
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/docker"));
            });
            assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo("docker-storage");
                assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("30Gi");
            });
            assertThat(runner(pod).getSecurityContext().getPrivileged()).isFalse();
            assertThat(runner(pod).getEnv())
                    .anySatisfy(e -> assertThat(e.getName()).isEqualTo("DOCKER_HOST"));
        }
    }

    @Test
    void secretIsOwnedByThePodAndHoldsTheJitConfig() {
        Pod created = new PodBuilder(RunnerPodFactory.desiredPod(pool, 1, "rs-linux-x64-spot-1-abcde", false))
                .editMetadata()
                .withUid("0b9c-uid")
                .endMetadata()
                .build();

        Secret secret = RunnerPodFactory.desiredSecret(pool, created, "ZW5jb2RlZA==");

        assertThat(secret.getMetadata().getName()).isEqualTo("linux-x64-spot-1-jit");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Pod");
            assertThat(o.getName()).isEqualTo("linux-x64-spot-1");
            assertThat(o.getUid()).isEqualTo("0b9c-uid");
        });
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("jitconfig")), StandardCharsets.UTF_8))
                .isEqualTo("ZW5jb2RlZA==");
    }
}
