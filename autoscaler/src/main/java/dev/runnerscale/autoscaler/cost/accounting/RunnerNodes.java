package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.NodeFacts;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The cluster's nodes as cost sees them (implemented by {@code KubernetesNodes} from a node informer). */
public interface RunnerNodes {

    /** A node by name, also for a while after it was deleted (a runner's cost is computed after its node died). */
    Optional<NodeFacts> facts(String nodeName);

    /** The nodes that exist now. */
    List<RunnerNode> current();

    /**
     * A node now.
     *
     * @param poolLabel its {@code runnerscale.dev/pool} label (our Auto Scaling group nodes), or null
     */
    record RunnerNode(NodeFacts facts, String poolLabel, Instant createdAt) {}
}
