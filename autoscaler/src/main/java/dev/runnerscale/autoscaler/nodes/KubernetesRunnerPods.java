package dev.runnerscale.autoscaler.nodes;

import dev.runnerscale.autoscaler.cost.accounting.RunnerPodsOnNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner pods on each node, read with one LIST of our pods (label {@code app.kubernetes.io/managed-by=runnerscale})
 * per call; the idle meter calls it once a period. The lead may replace it with a view of the reconciler's informer.
 */
public class KubernetesRunnerPods implements RunnerPodsOnNodes {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String POOL = "runnerscale.dev/pool";

    private final KubernetesClient client;

    public KubernetesRunnerPods(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Map<String, List<PodOnNode>> byNode() {
        Map<String, List<PodOnNode>> out = new HashMap<>();
        for (Pod pod : client.pods()
                .inAnyNamespace()
                .withLabel(MANAGED_BY, "runnerscale")
                .list()
                .getItems()) {
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
