package dev.runnerscale.autoscaler.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.cost.accounting.RunnerPodsOnNodes;
import dev.runnerscale.autoscaler.interruptions.NoticeKind;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Node facts, notices and runner pods read from fabric8's mock API server (CRUD). */
class KubernetesNodesTest {

    private final KubernetesTestServer server = new KubernetesTestServer();
    private final KubernetesClient client = server.client();
    private final KubernetesNodes nodes = new KubernetesNodes(client, new MutableClock(Instant.now()));

    @AfterEach
    void close() {
        nodes.close();
        client.close();
        server.close();
    }

    @Test
    void readsNodeFactsKeepsThemAfterDeletionAndSeesInterruptionTaints() {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("ip-10-0-1-1.ec2.internal")
                        .withLabels(Map.of(
                                "node.kubernetes.io/instance-type", "m6i.xlarge",
                                "topology.kubernetes.io/zone", "us-east-1a",
                                "topology.k8s.aws/zone-id", "use1-az4",
                                "eks.amazonaws.com/capacityType", "SPOT"))
                        .endMetadata()
                        .withNewSpec()
                        .addNewTaint()
                        .withKey("aws-node-termination-handler/spot-itn")
                        .withValue("spot-itn-1234")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()
                        .withNewStatus()
                        .addToAllocatable("cpu", new Quantity("3920m"))
                        .addToAllocatable("memory", new Quantity("15324Mi"))
                        .endStatus()
                        .build())
                .create();
        nodes.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodes.facts("ip-10-0-1-1.ec2.internal").isPresent());

        NodeFacts facts = nodes.facts("ip-10-0-1-1.ec2.internal").orElseThrow();
        assertThat(facts.capacityType()).isEqualTo(CapacityType.SPOT);
        assertThat(facts.zoneId()).isEqualTo("use1-az4");
        assertThat(facts.allocatable()).isEqualTo(new Requests(3920, 15324L << 20));
        assertThat(nodes.notices())
                .singleElement()
                .satisfies(n -> assertThat(n.kind()).isEqualTo(NoticeKind.SPOT_INTERRUPTION));

        client.nodes().withName("ip-10-0-1-1.ec2.internal").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.current().isEmpty());
        assertThat(nodes.facts("ip-10-0-1-1.ec2.internal")).hasValue(facts);
    }

    @Test
    void runnerPodsOnNodesCountEveryContainerOfBoundLivePodsInThePoolsNamespaces() {
        client.pods()
                .inNamespace("runners")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("spot-0")
                        .withLabels(
                                Map.of("app.kubernetes.io/managed-by", "runnerscale", "runnerscale.dev/pool", "spot"))
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("node-a")
                        .addNewContainer()
                        .withName("runner")
                        .withImage("runner")
                        .withNewResources()
                        .addToRequests("cpu", new Quantity("1"))
                        .addToRequests("memory", new Quantity("2Gi"))
                        .endResources()
                        .endContainer()
                        .addNewInitContainer()
                        .withName("dind")
                        .withImage("docker")
                        .withRestartPolicy("Always")
                        .withNewResources()
                        .addToRequests("cpu", new Quantity("500m"))
                        .addToRequests("memory", new Quantity("1Gi"))
                        .endResources()
                        .endInitContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .endStatus()
                        .build())
                .create();
        client.pods()
                .inNamespace("runners")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("spot-1")
                        .withLabels(
                                Map.of("app.kubernetes.io/managed-by", "runnerscale", "runnerscale.dev/pool", "spot"))
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("node-a")
                        .addNewContainer()
                        .withName("runner")
                        .withImage("runner")
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Succeeded")
                        .endStatus()
                        .build())
                .create();
        Map<String, List<RunnerPodsOnNodes.PodOnNode>> byNode =
                new KubernetesRunnerPods(client, Set.of("runners")).byNode();
        assertThat(byNode.get("node-a"))
                .containsExactly(new RunnerPodsOnNodes.PodOnNode("spot", "spot-0", new Requests(1500, 3L << 30)));
        assertThat(new KubernetesRunnerPods(client, Set.of("elsewhere")).byNode())
                .isEmpty();
    }
}
