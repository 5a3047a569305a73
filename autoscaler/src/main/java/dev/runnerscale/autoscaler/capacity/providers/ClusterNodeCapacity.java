package dev.runnerscale.autoscaler.capacity.providers;

import dev.runnerscale.autoscaler.aws.AwsClients;
import dev.runnerscale.autoscaler.capacity.CapacityChoice;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy;
import dev.runnerscale.autoscaler.capacity.CapacityTransition;
import dev.runnerscale.autoscaler.capacity.SpotAvailability;
import dev.runnerscale.autoscaler.interruptions.Interruptions;
import dev.runnerscale.autoscaler.interruptions.NodeNotice;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.nodes.PodScheduling;
import dev.runnerscale.autoscaler.pools.PoolsProperties.CapacityProvider;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.NodeCapacity;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The pools' nodes for the reconcile pass ({@link NodeCapacity}): observes what new pods ask for and which nodes are
 * going away, and after the pass created its pods takes one turn of the pool's capacity provider ({@link PoolCapacity},
 * decided by the pure {@link CapacityPolicy}) and records the notices of nodes holding the pool's runners
 * ({@link Interruptions}).
 *
 * <ul>
 *   <li>{@code karpenter}: new pods carry {@code karpenter.sh/capacity-type} of the current choice. The signals are the
 *       pool's pods that ask for that choice and stay {@code PodScheduled=False} (reason {@code Unschedulable}), and
 *       Karpenter's own insufficient-capacity Events ({@link KarpenterEvents}). A new leader resumes from the pods its
 *       predecessor created: if the newest asks for on-demand, the pool is still on-demand, probing spot after the
 *       initial wait from that pod's creation.
 *   <li>{@code auto-scaling-group}: the groups are driven from the pods that must run and the load of their nodes;
 *       AWS trouble (an open circuit, an error the SDK's own retries did not overcome) holds that pool's turn and is
 *       retried shortly, never stopping the pass or another pool. Instances the group terminates are notices for the
 *       next pass.
 *   <li>{@code external}: nothing is driven; notices are still honoured.
 * </ul>
 *
 * Notices: a node that carries an interruption or rebalance notice and holds the pool's pods, or could take its new
 * ones (its labels match their node selector), is to be avoided; {@link Interruptions#nodeNoticed} is told for each such
 * node holding the pool's runners once, and again when another of its runners is busy (it is idempotent, so a restart
 * or a second replica telling it again does no harm).
 */
public class ClusterNodeCapacity implements NodeCapacity {

    private static final Logger log = LoggerFactory.getLogger(ClusterNodeCapacity.class);
    private static final Duration RETRY = Duration.ofSeconds(15);
    /** After a scale-in cordon, the next look terminates the node if it stayed empty. */
    private static final Duration SCALE_IN_FOLLOW_UP = Duration.ofSeconds(20);

    private final PoolCapacity capacity;
    private final KubernetesNodes nodes;
    private final Interruptions interruptions;
    private final KarpenterEvents karpenter;
    private final Clock clock;
    private final Map<String, List<NodeNotice>> groupNotices = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Instant>> unschedulableSightings = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> toldNotices = new ConcurrentHashMap<>();

    public ClusterNodeCapacity(
            PoolCapacity capacity,
            KubernetesNodes nodes,
            Interruptions interruptions,
            KarpenterEvents karpenter,
            Clock clock) {
        this.capacity = capacity;
        this.nodes = nodes;
        this.interruptions = interruptions;
        this.karpenter = karpenter;
        this.clock = clock;
    }

    // ---- observe

    @Override
    public Placement placement(Pool pool, List<Pod> pods, Instant now) {
        Map<String, String> selector = new TreeMap<>();
        if (pool.capacity().provider() == CapacityProvider.KARPENTER) {
            resumeFromPods(pool, pods);
            capacity.newPodsAsk(pool.name())
                    .ifPresent(c -> selector.put(PodScheduling.KARPENTER_CAPACITY_TYPE, c.karpenterValue()));
        }
        Map<String, String> effective = new HashMap<>(pool.pod().nodeSelector());
        effective.putAll(selector);
        Set<String> podNodes = new HashSet<>();
        pods.forEach(p -> PodScheduling.nodeName(p).ifPresent(podNodes::add));
        Map<String, String> noticed = new TreeMap<>();
        for (NodeNotice notice : notices(pool).values()) {
            if (podNodes.contains(notice.nodeName()) || nodes.selects(notice.nodeName(), effective)) {
                noticed.put(notice.nodeName(), notice.kind().tag() + ": " + notice.detail());
            }
        }
        // Pods still waiting for spot after the pool shifted to on-demand would wait out the pending timeout for
        // nothing: they are replaced by pods that ask for what is there. (Not the other way round: during a spot probe,
        // pods waiting for an on-demand node Karpenter is launching keep waiting for it.)
        Set<String> stranded = new TreeSet<>();
        if (CapacityChoice.ON_DEMAND.karpenterValue().equals(selector.get(PodScheduling.KARPENTER_CAPACITY_TYPE))) {
            for (Pod pod : pods) {
                if (PodScheduling.unschedulableSince(pod).isPresent()
                        && PodScheduling.capacityTypeAsked(pod)
                                .filter(CapacityChoice.SPOT.karpenterValue()::equals)
                                .isPresent()) {
                    stranded.add(pod.getMetadata().getName());
                }
            }
        }
        return new Placement(selector, noticed, stranded);
    }

    /** The nodes with a notice: taints and conditions on the nodes, and instances the pool's groups terminate. */
    private Map<String, NodeNotice> notices(Pool pool) {
        Map<String, NodeNotice> out = new LinkedHashMap<>();
        groupNotices.getOrDefault(pool.name(), List.of()).forEach(n -> out.put(n.nodeName(), n));
        // a taint on the node itself is the more specific word (a spot interruption during a group's termination)
        nodes.notices().forEach(n -> out.put(n.nodeName(), n));
        return out;
    }

    /**
     * Starts from what the pods of an earlier leader ask for, unless this replica already has the pool's state: the
     * newest pod's capacity type is the choice that leader had made when it created it.
     */
    private void resumeFromPods(Pool pool, List<Pod> pods) {
        if (capacity.state(pool.name()).isPresent()) {
            return;
        }
        pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> PodScheduling.capacityTypeAsked(p).isPresent()
                        && PodScheduling.createdAt(p).isPresent())
                .max(Comparator.comparing(p -> PodScheduling.createdAt(p).orElseThrow()))
                .ifPresent(newest -> {
                    Instant created = PodScheduling.createdAt(newest).orElseThrow();
                    boolean onDemand = CapacityChoice.ON_DEMAND
                            .karpenterValue()
                            .equals(PodScheduling.capacityTypeAsked(newest).orElseThrow());
                    Duration wait = pool.capacity().recoveryProbeInitial();
                    capacity.resume(
                            pool.name(),
                            onDemand
                                    ? new SpotAvailability(
                                            CapacityChoice.ON_DEMAND, created, false, created.plus(wait), wait)
                                    : SpotAvailability.spot(created));
                });
    }

    // ---- act

    @Override
    public Outcome act(
            Pool pool, Placement placement, List<Pod> pods, Map<String, ObservedRunner> runners, Instant now) {
        Instant requeue = recordNotices(pool, placement, pods, runners);
        if (pool.capacity().provider() == CapacityProvider.EXTERNAL) {
            return new Outcome(List.of(), requeue);
        }
        PoolCapacity.Observation observation = observe(pool, pods, runners, now);
        PoolCapacity.PassResult result;
        try {
            result = capacity.pass(pool.name(), observation);
        } catch (AwsClients.AwsUnavailableException | SdkException | KubernetesClientException e) {
            // AWS's trouble (or the API server's with a cordon) holds this pool's provider only; the next look retries
            log.warn("capacity provider of pool {} not driven this time, retrying: {}", pool.name(), e.toString());
            return new Outcome(List.of(), earliest(requeue, now.plus(RETRY)));
        }
        groupNotices.put(pool.name(), List.copyOf(result.notices()));
        List<PoolEvent> events = new ArrayList<>();
        for (CapacityTransition t : result.transitions()) {
            events.add(
                    t.to() == CapacityChoice.ON_DEMAND
                            ? new PoolEvent("Warning", "CapacityFallback", t.message() + " (" + t.reason() + ")")
                            : new PoolEvent("Normal", "CapacitySpotProbe", t.message() + " (" + t.reason() + ")"));
        }
        if (result.actions().stream().anyMatch(a -> a instanceof CapacityPolicy.Cordon)) {
            requeue = earliest(requeue, now.plus(SCALE_IN_FOLLOW_UP));
        }
        return new Outcome(events, earliest(requeue, nextCheck(pool, observation, now)));
    }

    private PoolCapacity.Observation observe(
            Pool pool, List<Pod> pods, Map<String, ObservedRunner> runners, Instant now) {
        boolean karpenterPool = pool.capacity().provider() == CapacityProvider.KARPENTER;
        Optional<CapacityChoice> choice = capacity.newPodsAsk(pool.name());
        Map<String, Instant> seen = unschedulableSightings.computeIfAbsent(pool.name(), p -> new ConcurrentHashMap<>());
        Set<String> present = new HashSet<>();
        Instant oldest = null;
        List<Pod> waitingForSpot = new ArrayList<>();
        int mustRun = 0;
        Map<String, PoolCapacity.NodeLoad> load = new TreeMap<>();
        for (Pod pod : pods) {
            ObservedRunner runner = runners.get(pod.getMetadata().getName());
            if (runner == null || !runner.state().countsAsCapacity()) {
                continue;
            }
            mustRun++;
            Optional<String> node = PodScheduling.nodeName(pod);
            if (node.isPresent()) {
                PoolCapacity.NodeLoad before = load.getOrDefault(node.get(), new PoolCapacity.NodeLoad(0, false));
                load.put(
                        node.get(),
                        new PoolCapacity.NodeLoad(
                                before.runnerPods() + 1,
                                before.hostsBusyRunner() || runner.state() == RunnerState.BUSY));
                continue;
            }
            Optional<String> asked = PodScheduling.capacityTypeAsked(pod);
            if (karpenterPool && asked.equals(Optional.of(CapacityChoice.SPOT.karpenterValue()))) {
                waitingForSpot.add(pod);
            }
            Optional<Instant> since = PodScheduling.unschedulableSince(pod);
            boolean asksCurrentChoice = !karpenterPool
                    || asked.isPresent()
                            && choice.map(c -> c.karpenterValue().equals(asked.get()))
                                    .orElse(false);
            if (since.isPresent() && asksCurrentChoice) {
                // The later of the scheduler's time and our first sighting: its clock is not ours, and a pool must
                // not fall back early because of clock skew (after a restart the wait starts again).
                String uid = pod.getMetadata().getUid();
                present.add(uid);
                Instant first = seen.computeIfAbsent(uid, u -> now);
                Instant from = first.isAfter(since.get()) ? first : since.get();
                oldest = oldest == null || from.isBefore(oldest) ? from : oldest;
            }
        }
        seen.keySet().retainAll(present);
        boolean shortage = false;
        if (karpenterPool && choice.equals(Optional.of(CapacityChoice.SPOT))) {
            Instant notBefore =
                    capacity.state(pool.name()).map(SpotAvailability::since).orElse(Instant.MIN);
            shortage = karpenter.insufficientCapacity(pool.name(), pool.namespace(), waitingForSpot, notBefore);
            if (shortage) {
                log.warn("Karpenter could not launch spot capacity for pods of pool {}", pool.name());
            }
        }
        return new PoolCapacity.Observation(mustRun, oldest, shortage, load);
    }

    /** When the pool's capacity state changes by time alone: a probe starts, a probe holds, a wait passes a threshold. */
    private Instant nextCheck(Pool pool, PoolCapacity.Observation observation, Instant now) {
        Optional<SpotAvailability> state = capacity.state(pool.name());
        Duration threshold = pool.capacity().unschedulableThreshold();
        Instant next = null;
        if (state.isPresent() && state.get().nextProbeAt() != null) {
            next = state.get().nextProbeAt();
        }
        if (state.isPresent() && state.get().probing()) {
            next = earliest(next, state.get().since().plus(threshold));
        }
        if (observation.oldestUnschedulableSince() != null) {
            next = earliest(next, observation.oldestUnschedulableSince().plus(threshold));
        }
        return next == null || next.isAfter(now) ? next : now.plusSeconds(1);
    }

    /**
     * Tells {@link Interruptions} of each noticed node holding the pool's runners, the busy ones' names with it: once
     * per node, and again when a runner there turned busy since.
     */
    private Instant recordNotices(Pool pool, Placement placement, List<Pod> pods, Map<String, ObservedRunner> runners) {
        Map<String, NodeNotice> notices = notices(pool);
        Set<String> keys = new HashSet<>();
        Instant requeue = null;
        for (String node : placement.noticedNodes().keySet()) {
            NodeNotice notice = notices.get(node);
            List<Pod> onNode = pods.stream()
                    .filter(p -> PodScheduling.nodeName(p).filter(node::equals).isPresent())
                    .toList();
            if (notice == null || onNode.isEmpty()) {
                continue;
            }
            Set<String> busy = new TreeSet<>();
            for (Pod pod : onNode) {
                ObservedRunner runner = runners.get(pod.getMetadata().getName());
                String runnerName = pod.getMetadata().getAnnotations() == null
                        ? null
                        : pod.getMetadata().getAnnotations().get(RunnerPodFactory.RUNNER_NAME_ANNOTATION);
                if (runner != null && runner.state() == RunnerState.BUSY && runnerName != null) {
                    busy.add(runnerName);
                }
            }
            String key = pool.name() + "/" + node;
            keys.add(key);
            Set<String> told = toldNotices.get(key);
            if (told != null && told.containsAll(busy)) {
                continue;
            }
            try {
                interruptions.nodeNoticed(notice, pool.name(), List.copyOf(busy));
                toldNotices.put(key, busy);
            } catch (RuntimeException e) {
                // the ledger is down: the runners still move (the pass goes on); the record is retried next look
                log.warn("notice of node {} for pool {} not recorded, retrying: {}", node, pool.name(), e.toString());
                requeue = clock.instant().plus(RETRY);
            }
        }
        toldNotices.keySet().removeIf(k -> k.startsWith(pool.name() + "/") && !keys.contains(k));
        return requeue;
    }

    @Override
    public void leadershipLost() {
        capacity.forget();
        groupNotices.clear();
        unschedulableSightings.clear();
        toldNotices.clear();
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
