package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.Requests;
import java.util.List;
import java.util.Map;

/**
 * The runner pods holding each node now (bound, not terminal), with their effective requests: what the idle meter
 * subtracts from a node. The lead can implement it from the reconciler's pod informer; {@code KubernetesRunnerPods}
 * lists the pods itself.
 */
public interface RunnerPodsOnNodes {

    Map<String, List<PodOnNode>> byNode();

    record PodOnNode(String pool, String podName, Requests requests) {}
}
