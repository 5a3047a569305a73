package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.NodeFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Nodes a test declares, as the node informer would show them. */
final class FixedNodes implements RunnerNodes, RunnerPodsOnNodes {

    final Map<String, RunnerNode> nodes = new ConcurrentHashMap<>();
    final Map<String, List<PodOnNode>> pods = new ConcurrentHashMap<>();

    FixedNodes add(NodeFacts facts, String poolLabel, Instant createdAt) {
        nodes.put(facts.name(), new RunnerNode(facts, poolLabel, createdAt));
        return this;
    }

    @Override
    public Optional<NodeFacts> facts(String nodeName) {
        return Optional.ofNullable(nodes.get(nodeName)).map(RunnerNode::facts);
    }

    @Override
    public List<RunnerNode> current() {
        return List.copyOf(nodes.values());
    }

    @Override
    public Map<String, List<PodOnNode>> byNode() {
        return Map.copyOf(pods);
    }
}
