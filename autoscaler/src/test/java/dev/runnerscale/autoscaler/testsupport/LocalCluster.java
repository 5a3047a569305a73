package dev.runnerscale.autoscaler.testsupport;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The in-process cluster of the local default (and of the tests that run the whole application on it): nodes labelled
 * as EKS labels them — three spot nodes of instance types the static spot table prices, in three us-east-1 zones, and
 * an on-demand one — and a kubelet that schedules runner pods onto them and plays {@code run.sh} of an ephemeral
 * runner: it exits once the ledger has its job completed, so the runner's pod ends, is priced, and its job gets a
 * cost.
 */
public final class LocalCluster {

    /** A node of the local cluster. */
    public record LocalNode(
            String name,
            String instanceType,
            String zone,
            String zoneId,
            String capacityType,
            String cpu,
            String memory) {}

    public static final List<LocalNode> NODES = List.of(
            new LocalNode("ip-10-0-1-11.ec2.internal", "m5.2xlarge", "us-east-1a", "use1-az4", "spot", "7910m", "30Gi"),
            new LocalNode(
                    "ip-10-0-2-12.ec2.internal", "c6i.2xlarge", "us-east-1b", "use1-az6", "spot", "7910m", "14Gi"),
            new LocalNode(
                    "ip-10-0-3-13.ec2.internal", "m6i.2xlarge", "us-east-1c", "use1-az1", "spot", "7910m", "30Gi"),
            new LocalNode(
                    "ip-10-0-1-21.ec2.internal",
                    "m6i.2xlarge",
                    "us-east-1a",
                    "use1-az4",
                    "on-demand",
                    "7910m",
                    "30Gi"));

    private LocalCluster() {}

    /** Creates the nodes that do not exist yet. */
    public static void addNodes(KubernetesClient client) {
        for (LocalNode n : NODES) {
            if (client.nodes().withName(n.name()).get() == null) {
                client.nodes().resource(node(n)).create();
            }
        }
    }

    static Node node(LocalNode n) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(n.name())
                .withLabels(Map.of(
                        "kubernetes.io/hostname", n.name(),
                        "kubernetes.io/os", "linux",
                        "kubernetes.io/arch", "amd64",
                        "node.kubernetes.io/instance-type", n.instanceType(),
                        "topology.kubernetes.io/zone", n.zone(),
                        "topology.k8s.aws/zone-id", n.zoneId(),
                        "karpenter.sh/capacity-type", n.capacityType(),
                        "karpenter.sh/nodepool", "runners"))
                .endMetadata()
                .withNewSpec()
                .withProviderID("aws:///" + n.zone() + "/i-0"
                        + Integer.toHexString(n.name().hashCode()))
                .endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new Quantity(n.cpu()))
                .addToAllocatable("memory", new Quantity(n.memory()))
                .addToAllocatable("pods", new Quantity("58"))
                .endStatus()
                .build();
    }

    /**
     * A kubelet for the namespace that schedules pods onto the nodes, and whose runners exit 0 once the ledger at
     * {@code jdbcUrl} has their job completed (the job's {@code completed} delivery names the runner).
     */
    public static Kubelet kubelet(
            KubernetesClient client, String namespace, String jdbcUrl, String username, String password) {
        SingleConnectionDataSource ledger = new SingleConnectionDataSource(jdbcUrl, username, password, true);
        JdbcTemplate jdbc = new JdbcTemplate(ledger);
        return new Kubelet(client, namespace).schedules(true).runnerExitsWhen(pod -> jobCompleted(jdbc, pod));
    }

    private static boolean jobCompleted(JdbcTemplate jdbc, Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String runner = annotations == null ? null : annotations.get("runnerscale.dev/runner-name");
        if (runner == null) {
            return false;
        }
        synchronized (jdbc) {
            Integer completed = jdbc.queryForObject(
                    "SELECT count(*) FROM workflow_jobs WHERE runner_name = ? AND status_rank = 3",
                    Integer.class,
                    runner);
            return completed != null && completed > 0;
        }
    }
}
