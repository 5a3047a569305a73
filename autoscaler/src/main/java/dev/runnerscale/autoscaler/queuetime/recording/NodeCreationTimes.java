package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.cost.accounting.RunnerNodes;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** When a node joined the cluster, to tell whether a runner pod needed a new one; empty when not known. */
@FunctionalInterface
public interface NodeCreationTimes {

    Optional<Instant> createdAt(String nodeName);

    /** Nothing is known: "new node" stays unknown. */
    NodeCreationTimes UNKNOWN = name -> Optional.empty();

    /** From the node informer's store (nothing while it does not run). */
    static NodeCreationTimes of(RunnerNodes nodes) {
        return name -> nodes.current().stream()
                .filter(n -> name.equals(n.facts().name()))
                .map(RunnerNodes.RunnerNode::createdAt)
                .filter(Objects::nonNull)
                .findFirst();
    }
}
