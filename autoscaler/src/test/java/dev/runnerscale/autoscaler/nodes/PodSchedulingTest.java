package dev.runnerscale.autoscaler.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What pods and the API server's timestamps say, read the one way every adapter reads them. */
class PodSchedulingTest {

    @Test
    void timestampsAreReadInEveryFormTheApiServerWritesAndNeverThrow() {
        assertThat(KubernetesTimestamps.parse("2026-11-30T10:00:00Z")).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        // MicroTime (Events, leases) and an offset instead of Z
        assertThat(KubernetesTimestamps.parse("2026-11-30T10:00:00.123456Z"))
                .isEqualTo(Instant.parse("2026-11-30T10:00:00.123456Z"));
        assertThat(KubernetesTimestamps.parse("2026-11-30T11:00:00+01:00"))
                .isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(KubernetesTimestamps.parse(null)).isNull();
        assertThat(KubernetesTimestamps.parse("  ")).isNull();
        assertThat(KubernetesTimestamps.parse("yesterday")).isNull();
        assertThat(KubernetesTimestamps.parse("2026-13-45T99:00:00Z")).isNull();
    }

    @Test
    void scheduledAtIsTheSchedulersConditionElseTheStartTime() {
        Pod scheduled = pod().editStatus()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime("2026-11-30T10:00:05Z")
                .endCondition()
                .withStartTime("2026-11-30T10:00:09Z")
                .endStatus()
                .build();
        assertThat(PodScheduling.scheduledBySchedulerAt(scheduled)).contains(Instant.parse("2026-11-30T10:00:05Z"));
        assertThat(PodScheduling.scheduledAt(scheduled)).contains(Instant.parse("2026-11-30T10:00:05Z"));

        // bound without the scheduler: no condition, only a start time
        Pod bound = pod().editStatus()
                .withStartTime("2026-11-30T10:00:09Z")
                .endStatus()
                .build();
        assertThat(PodScheduling.scheduledBySchedulerAt(bound)).isEmpty();
        assertThat(PodScheduling.scheduledAt(bound)).contains(Instant.parse("2026-11-30T10:00:09Z"));

        // still waiting, or a condition time nobody can read
        Pod waiting = pod().editStatus()
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime("garbage")
                .endCondition()
                .endStatus()
                .build();
        assertThat(PodScheduling.scheduledAt(waiting)).isEmpty();
        assertThat(PodScheduling.scheduledAt(
                        new PodBuilder().withNewMetadata().endMetadata().build()))
                .isEmpty();
    }

    @Test
    void aContainerStartedWhetherItRunsOrHasEndedAndOnlyThatContainerCounts() {
        Pod running = pod().editStatus()
                .addNewContainerStatus()
                .withName("dind")
                .withNewState()
                .withNewRunning("2026-11-30T10:00:01Z")
                .endState()
                .endContainerStatus()
                .addNewContainerStatus()
                .withName("runner")
                .withNewState()
                .withNewRunning("2026-11-30T10:00:07Z")
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
        assertThat(PodScheduling.containerStartedAt(running, "runner")).contains(Instant.parse("2026-11-30T10:00:07Z"));

        Pod ended = pod().editStatus()
                .addNewContainerStatus()
                .withName("runner")
                .withNewState()
                .withNewTerminated()
                .withStartedAt("2026-11-30T10:00:07Z")
                .withFinishedAt("2026-11-30T10:09:00Z")
                .withExitCode(0)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
        assertThat(PodScheduling.containerStartedAt(ended, "runner")).contains(Instant.parse("2026-11-30T10:00:07Z"));
        assertThat(PodScheduling.containerFinishedAt(ended, "runner")).contains(Instant.parse("2026-11-30T10:09:00Z"));

        Pod waiting = pod().editStatus()
                .addNewContainerStatus()
                .withName("runner")
                .withNewState()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
        assertThat(PodScheduling.containerStartedAt(waiting, "runner")).isEmpty();
        assertThat(PodScheduling.containerStartedAt(running, "sidecar")).isEmpty();
    }

    private static PodBuilder pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("linux-x64-0")
                .withCreationTimestamp("2026-11-30T10:00:00Z")
                .endMetadata()
                .withNewStatus()
                .endStatus();
    }
}
