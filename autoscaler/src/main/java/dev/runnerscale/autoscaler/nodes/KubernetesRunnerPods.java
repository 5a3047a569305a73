package dev.runnerscale.autoscaler.nodes;

import dev.runnerscale.autoscaler.cost.accounting.RunnerPodsOnNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner pods on each node, read with one LIST of our pods (label {@code app.kubernetes.io/managed-by=runnerscale})
 * per pool namespace and call; the idle meter calls it once a period. The lead may replace it with a view of the reconciler's informer.
 */
public class KubernetesRunnerPods implements RunnerPodsOnNodes {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String POOL = "runnerscale.dev/pool";

    private final KubernetesClient client;
    private final java.util.Set<String> namespaces;

    /** @param namespaces the pools' namespaces: pods are listed there only (no cluster-wide pod permission needed) */
    public KubernetesRunnerPods(KubernetesClient client, java.util.Set<String> namespaces) {
        this.client = client;
        this.namespaces = java.util.Set.copyOf(namespaces);
    }

    @Override
    public Map<String, List<PodOnNode>> byNode() {
        Map<String, List<PodOnNode>> out = new HashMap<>();
        List<Pod> pods = new java.util.ArrayList<>();
        for (String namespace : namespaces) {
            pods.addAll(client.pods()
                    .inNamespace(namespace)
                    .withLabel(MANAGED_BY, "runnerscale")
                    .list()
                    .getItems());
        }
        for (Pod pod : pods) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if (node == null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            String pool = pod.getMetadata().getLabels() == null
                    ? null
                    : pod.getMetadata().getLabels().get(POOL);
            out.computeIfAbsent(node, n -> new java.util.ArrayList<>())
                    .add(new PodOnNode(pool, pod.getMetadata().getName(), PodRequests.of(pod)));
        }
        return out;
    }
}
