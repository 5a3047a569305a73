package dev.runnerscale.autoscaler.capacity.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Karpenter's insufficient-capacity signal from Events shaped as Karpenter writes them: a pod's {@code Nominated}
 * Event naming its NodeClaim, and the NodeClaim's {@code InsufficientCapacityError} Event in {@code default}.
 */
class KarpenterEventsTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String NS = "runners";

    private final KubernetesTestServer server = new KubernetesTestServer();
    private final KubernetesClient client = server.client();
    private final MutableClock clock = new MutableClock(T0);
    private final KarpenterEvents events = new KarpenterEvents(client, clock, Duration.ofSeconds(10));

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    private Pod pod(String name) {
        return client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(NS)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("runner")
                        .withImage("ghcr.io/actions/actions-runner:2.329.0")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
    }

    private void nominated(Pod pod, String message, Instant at) {
        client.v1()
                .events()
                .inNamespace(NS)
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(pod.getMetadata().getName() + "." + Long.toHexString(at.toEpochMilli()))
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withApiVersion("v1")
                        .withKind("Pod")
                        .withNamespace(NS)
                        .withName(pod.getMetadata().getName())
                        .withUid(pod.getMetadata().getUid())
                        .endInvolvedObject()
                        .withType("Normal")
                        .withReason("Nominated")
                        .withMessage(message)
                        .withNewSource()
                        .withComponent("karpenter")
                        .endSource()
                        .withFirstTimestamp(at.toString())
                        .withLastTimestamp(at.toString())
                        .withCount(1)
                        .build())
                .create();
    }

    private void insufficientCapacity(String nodeClaim, Instant at, int count) {
        client.v1()
                .events()
                .inNamespace("default")
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(nodeClaim + "." + Long.toHexString(at.toEpochMilli()))
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withApiVersion("karpenter.sh/v1")
                        .withKind("NodeClaim")
                        .withName(nodeClaim)
                        .withUid("3f1c2b7e-1a2b-4c3d-8e9f-" + Integer.toHexString(nodeClaim.hashCode()))
                        .endInvolvedObject()
                        .withType("Warning")
                        .withReason("InsufficientCapacityError")
                        .withMessage("NodeClaim " + nodeClaim + " event: creating instance, insufficient capacity,"
                                + " all requested instance types were unavailable during launch")
                        .withNewSource()
                        .withComponent("karpenter")
                        .endSource()
                        .withFirstTimestamp(at.toString())
                        .withLastTimestamp(at.toString())
                        .withCount(count)
                        .build())
                .createOr(existing -> existing.update());
    }

    @Test
    void aNodeClaimTheWaitingPodWasNominatedToFailingForCapacityIsASpotShortageOnce() {
        Pod waiting = pod("linux-0");
        nominated(waiting, "Pod should schedule on: nodeclaim/runners-8wq5g", T0);
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isFalse();

        insufficientCapacity("runners-8wq5g", T0.plusSeconds(5), 1);
        // looked at most every 10 s
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isTrue();
        // the same Event is no news; its next occurrence (count 2) is
        clock.advance(Duration.ofSeconds(10));
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isFalse();
        insufficientCapacity("runners-8wq5g", T0.plusSeconds(25), 2);
        clock.advance(Duration.ofSeconds(10));
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isTrue();
    }

    @Test
    void anotherWorkloadsShortageAnOldOneOrNoWaitingPodIsNone() {
        Pod waiting = pod("linux-0");
        Pod other = pod("batch-0");
        nominated(waiting, "Pod should schedule on: nodeclaim/runners-8wq5g, node/ip-10-0-1-11.ec2.internal", T0);
        nominated(other, "Pod should schedule on: nodeclaim/general-x7k2p", T0);
        insufficientCapacity("general-x7k2p", T0.plusSeconds(1), 1);
        insufficientCapacity("runners-8wq5g", T0.minusSeconds(60), 1);

        // another pod's NodeClaim, and ours before the probe began
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), T0))
                .isFalse();
        clock.advance(Duration.ofSeconds(10));
        // no pod of the pool waits: not even a look
        assertThat(events.insufficientCapacity("linux", NS, List.of(), Instant.MIN))
                .isFalse();
        assertThat(events.insufficientCapacity("linux", NS, List.of(waiting), Instant.MIN))
                .isTrue();
    }
}
