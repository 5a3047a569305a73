package dev.runnerscale.autoscaler.nodes;

import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.accounting.RunnerNodes;
import dev.runnerscale.autoscaler.interruptions.InterruptionClassifier;
import dev.runnerscale.autoscaler.interruptions.NodeNotice;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's nodes from a node informer: their facts for cost (kept for an hour after a node is deleted, since a
 * runner is priced after its node is gone), their interruption notices, and cordoning for the
 * {@code auto-scaling-group} provider's scale-in.
 */
public class KubernetesNodes implements RunnerNodes, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesNodes.class);

    /** Marks a node this autoscaler cordoned to remove it, so only those are uncordoned or terminated. */
    public static final String SCALE_IN_ANNOTATION = "runnerscale.dev/scale-in";

    private static final Duration KEEP_DELETED = Duration.ofHours(1);

    private record Deleted(NodeFacts facts, Instant at) {}

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Deleted> deleted = new ConcurrentHashMap<>();
    private volatile SharedIndexInformer<Node> informer;
    private final List<Runnable> nodeAdded = new java.util.concurrent.CopyOnWriteArrayList<>();

    public KubernetesNodes(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Starts the informer in the background (its failures are retried by fabric8 and logged). */
    public synchronized void start() {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<Node> i = client.nodes().runnableInformer(0);
        i.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                deleted.remove(node.getMetadata().getName());
                nodeAdded.forEach(Runnable::run);
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {}

            @Override
            public void onDelete(Node node, boolean deletedFinalStateUnknown) {
                deleted.put(node.getMetadata().getName(), new Deleted(facts(node), clock.instant()));
                Instant cutoff = clock.instant().minus(KEEP_DELETED);
                deleted.values().removeIf(d -> d.at().isBefore(cutoff));
            }
        });
        i.start().whenComplete((v, e) -> {
            if (e != null) {
                log.warn("node informer did not start: {}", e.toString());
            }
        });
        informer = i;
    }

    /** Runs {@code hook} (on the informer's thread: it must only hand work off) whenever a node appears. */
    public void onNodeAdded(Runnable hook) {
        nodeAdded.add(hook);
    }

    public boolean synced() {
        SharedIndexInformer<Node> i = informer;
        return i != null && i.hasSynced();
    }

    private List<Node> nodes() {
        SharedIndexInformer<Node> i = informer;
        return i == null ? List.of() : i.getStore().list();
    }

    private Optional<Node> node(String name) {
        SharedIndexInformer<Node> i = informer;
        return i == null ? Optional.empty() : Optional.ofNullable(i.getStore().getByKey(name));
    }

    static NodeFacts facts(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        return NodeFacts.fromLabels(
                node.getMetadata().getName(),
                labels,
                PodRequests.resources(
                        node.getStatus() == null ? null : node.getStatus().getAllocatable()));
    }

    @Override
    public Optional<NodeFacts> facts(String nodeName) {
        Optional<NodeFacts> live = node(nodeName).map(KubernetesNodes::facts);
        if (live.isPresent()) {
            return live;
        }
        return Optional.ofNullable(deleted.get(nodeName)).map(Deleted::facts);
    }

    @Override
    public List<RunnerNode> current() {
        return nodes().stream()
                .map(n -> new RunnerNode(
                        facts(n),
                        n.getMetadata().getLabels() == null
                                ? null
                                : n.getMetadata().getLabels().get(NodeFacts.RUNNERSCALE_POOL_LABEL),
                        n.getMetadata().getCreationTimestamp() == null
                                ? null
                                : Instant.parse(n.getMetadata().getCreationTimestamp())))
                .toList();
    }

    /** Nodes that carry an interruption or rebalance notice now. */
    public List<NodeNotice> notices() {
        return nodes().stream()
                .map(n -> InterruptionClassifier.fromTaints(
                        n.getMetadata().getName(),
                        n.getSpec() == null || n.getSpec().getTaints() == null
                                ? List.of()
                                : n.getSpec().getTaints().stream()
                                        .map(t -> new InterruptionClassifier.Taint(
                                                t.getKey(), t.getValue(), t.getEffect()))
                                        .toList()))
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Whether the node carries every label of the selector (a pod with this node selector could be placed there). A
     * node not in the cache does not match.
     */
    public boolean selects(String nodeName, Map<String, String> selector) {
        return node(nodeName)
                .map(n -> {
                    Map<String, String> labels = n.getMetadata().getLabels() == null
                            ? Map.of()
                            : n.getMetadata().getLabels();
                    return selector.entrySet().stream()
                            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
                })
                .orElse(false);
    }

    /** EC2 instance id of a node, from its provider id ({@code aws:///us-east-1a/i-0abc…}). */
    public Optional<String> instanceId(String nodeName) {
        return node(nodeName)
                .map(n -> n.getSpec() == null ? null : n.getSpec().getProviderID())
                .map(id -> {
                    int slash = id.lastIndexOf('/');
                    String tail = slash < 0 ? id : id.substring(slash + 1);
                    return tail.startsWith("i-") ? tail : null;
                });
    }

    /** Node names by EC2 instance id, for joining a group's instances with their nodes. */
    public Map<String, String> nodeNamesByInstanceId() {
        return nodes().stream()
                .filter(n -> n.getSpec() != null && n.getSpec().getProviderID() != null)
                .collect(Collectors.toMap(
                        n -> {
                            String id = n.getSpec().getProviderID();
                            return id.substring(id.lastIndexOf('/') + 1);
                        },
                        n -> n.getMetadata().getName(),
                        (a, b) -> a));
    }

    /** Nodes this autoscaler cordoned for scale-in. */
    public Set<String> cordonedForScaleIn() {
        return nodes().stream()
                .filter(n -> n.getMetadata().getAnnotations() != null
                        && "true".equals(n.getMetadata().getAnnotations().get(SCALE_IN_ANNOTATION)))
                .map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    public boolean cordoned(String nodeName) {
        return node(nodeName)
                .map(n -> n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .orElse(false);
    }

    /** Cordons a node for scale-in (merge patch: unschedulable, and our annotation). */
    public void cordonForScaleIn(String nodeName) {
        patch(
                nodeName,
                "{\"metadata\":{\"annotations\":{\"" + SCALE_IN_ANNOTATION + "\":\"true\"}},"
                        + "\"spec\":{\"unschedulable\":true}}");
        log.info("node {} cordoned for scale-in", nodeName);
    }

    /** Undoes {@link #cordonForScaleIn}. */
    public void uncordon(String nodeName) {
        patch(
                nodeName,
                "{\"metadata\":{\"annotations\":{\"" + SCALE_IN_ANNOTATION + "\":null}},"
                        + "\"spec\":{\"unschedulable\":null}}");
        log.info("node {} uncordoned: needed again", nodeName);
    }

    private void patch(String nodeName, String json) {
        client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
