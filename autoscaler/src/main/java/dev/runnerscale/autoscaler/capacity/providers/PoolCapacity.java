package dev.runnerscale.autoscaler.capacity.providers;

import dev.runnerscale.autoscaler.aws.AutoScalingGroupCapacity;
import dev.runnerscale.autoscaler.capacity.CapacityChoice;
import dev.runnerscale.autoscaler.capacity.CapacityDecision;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy;
import dev.runnerscale.autoscaler.capacity.CapacitySignals;
import dev.runnerscale.autoscaler.capacity.CapacityTransition;
import dev.runnerscale.autoscaler.capacity.SpotAvailability;
import dev.runnerscale.autoscaler.interruptions.InterruptionClassifier;
import dev.runnerscale.autoscaler.interruptions.NodeNotice;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a pool's capacity provider once per reconcile pass (the reconciler calls {@link #pass}) and tells it what
 * new pods should ask for ({@link #newPodsAsk}). Decisions come from the pure {@link CapacityPolicy}; this class
 * observes (Auto Scaling groups, nodes) and acts (AWS calls, cordons), logs every transition and counts it in
 * {@code runnerscale_capacity_fallbacks_total{pool,to}}; the reconciler turns the returned transitions into Events.
 */
public class PoolCapacity {

    private static final Logger log = LoggerFactory.getLogger(PoolCapacity.class);

    /**
     * What the reconciler observed of a pool this pass.
     *
     * @param podsThatMustRun the pool's pods that need a node now (pending and running, not terminal)
     * @param oldestUnschedulableSince since when the oldest of the pool's pods asking for the current choice has been
     *     unschedulable ({@code PodScheduled=False}, reason {@code Unschedulable}), or null
     * @param insufficientSpotCapacity the cluster reported a spot shortage since the last pass (for example a
     *     Karpenter {@code InsufficientCapacityError} event for the pool's pods)
     * @param nodes the nodes holding the pool's runner pods: pods there and whether one is busy
     */
    public record Observation(
            int podsThatMustRun,
            Instant oldestUnschedulableSince,
            boolean insufficientSpotCapacity,
            Map<String, NodeLoad> nodes) {}

    /** The pool's runner pods on one node. */
    public record NodeLoad(int runnerPods, boolean hostsBusyRunner) {}

    /** What a pass did. */
    public record PassResult(
            List<CapacityTransition> transitions, List<CapacityPolicy.GroupAction> actions, List<NodeNotice> notices) {
        static final PassResult NOTHING = new PassResult(List.of(), List.of(), List.of());
    }

    private final Map<String, PoolsProperties.Pool> pools = new HashMap<>();
    private final CapacityPolicy policy;
    private final Optional<AutoScalingGroupCapacity> groups;
    private final KubernetesNodes nodes;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, SpotAvailability> states = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastActivityCheck = new ConcurrentHashMap<>();

    public PoolCapacity(
            PoolsProperties pools,
            Optional<AutoScalingGroupCapacity> groups,
            KubernetesNodes nodes,
            MeterRegistry registry,
            Clock clock) {
        pools.pools().forEach(p -> this.pools.put(p.name(), p));
        this.policy = new CapacityPolicy(clock);
        this.groups = groups;
        this.nodes = nodes;
        this.registry = registry;
        this.clock = clock;
        pools.pools().stream()
                .filter(p -> p.capacity().provider() != PoolsProperties.CapacityProvider.EXTERNAL)
                .forEach(p -> {
                    fallbacks(p.name(), CapacityChoice.ON_DEMAND);
                    fallbacks(p.name(), CapacityChoice.SPOT);
                });
    }

    private Counter fallbacks(String pool, CapacityChoice to) {
        return Counter.builder("runnerscale_capacity_fallbacks")
                .description(
                        "Changes of what new pods of the pool ask for (to on-demand on a spot shortage, back to spot)")
                .tag("pool", pool)
                .tag("to", to.tag())
                .register(registry);
    }

    /**
     * What new pods of the pool ask for: {@code karpenter} pools put {@code karpenter.sh/capacity-type: <value>} of
     * it in their node selector; empty for {@code external} pools (their template decides) and unknown pools.
     */
    public Optional<CapacityChoice> newPodsAsk(String pool) {
        PoolsProperties.Pool p = pools.get(pool);
        if (p == null || p.capacity().provider() == PoolsProperties.CapacityProvider.EXTERNAL) {
            return Optional.empty();
        }
        return Optional.of(states.getOrDefault(pool, SpotAvailability.spot(clock.instant()))
                .choice());
    }

    /** The pool's capacity state (what new pods ask for, since when, the next probe), if this replica has one. */
    public Optional<SpotAvailability> state(String pool) {
        return Optional.ofNullable(states.get(pool));
    }

    /**
     * Takes up where an earlier leader left off: unless this replica already knows the pool's state, it starts from
     * {@code resumed} (read from the pods that leader created), instead of from spot.
     */
    public void resume(String pool, SpotAvailability resumed) {
        states.putIfAbsent(pool, resumed);
    }

    /** This replica no longer leads: what it knew is stale by the time it leads again. */
    public void forget() {
        states.clear();
        lastActivityCheck.clear();
    }

    /** The pool's settings as the policy takes them. */
    public Optional<CapacityPolicy.Settings> settings(String pool) {
        return Optional.ofNullable(pools.get(pool))
                .map(PoolsProperties.Pool::capacity)
                .map(c -> new CapacityPolicy.Settings(
                        c.unschedulableThreshold(), c.recoveryProbeInitial(), c.recoveryProbeMax()));
    }

    /** One pass of the pool's provider: decides, acts, returns the transitions (for Events) and actions taken. */
    public PassResult pass(String pool, Observation observation) {
        PoolsProperties.Pool p = pools.get(pool);
        if (p == null) {
            return PassResult.NOTHING;
        }
        PoolsProperties.Capacity c = p.capacity();
        CapacityPolicy.Settings settings =
                new CapacityPolicy.Settings(c.unschedulableThreshold(), c.recoveryProbeInitial(), c.recoveryProbeMax());
        return switch (c.provider()) {
            case EXTERNAL -> PassResult.NOTHING;
            case KARPENTER -> {
                CapacityDecision d = policy.decide(
                        pool,
                        states.get(pool),
                        new CapacitySignals(
                                observation.oldestUnschedulableSince(), observation.insufficientSpotCapacity()),
                        settings);
                yield new PassResult(record(pool, d), List.of(), List.of());
            }
            case AUTO_SCALING_GROUP -> groupsPass(p, settings, observation);
        };
    }

    private List<CapacityTransition> record(String pool, CapacityDecision d) {
        states.put(pool, d.next());
        d.transition().ifPresent(t -> {
            fallbacks(pool, t.to()).increment();
            log.warn("{} ({})", t.message(), t.reason());
        });
        return d.transition().stream().toList();
    }

    private PassResult groupsPass(PoolsProperties.Pool p, CapacityPolicy.Settings settings, Observation o) {
        AutoScalingGroupCapacity asg = groups.orElseThrow(() -> new IllegalStateException("pool " + p.name()
                + " uses capacity provider auto-scaling-group but runnerscale.aws.region is not set"));
        PoolsProperties.AutoScalingGroups names = p.capacity().autoScalingGroup();
        Map<String, String> nodeByInstance = nodes.nodeNamesByInstanceId();
        Map<String, AutoScalingGroupCapacity.NodeUse> use = new HashMap<>();
        nodeByInstance.forEach((instance, node) -> {
            NodeLoad load = o.nodes().getOrDefault(node, new NodeLoad(0, false));
            use.put(
                    instance,
                    new AutoScalingGroupCapacity.NodeUse(
                            node, load.runnerPods(), load.hostsBusyRunner(), nodes.cordoned(node)));
        });
        Optional<CapacityPolicy.Group> spot = asg.describe(names.spotGroup(), use);
        Optional<CapacityPolicy.Group> onDemand = asg.describe(names.onDemandGroup(), use);
        if (spot.isEmpty() || onDemand.isEmpty()) {
            log.warn(
                    "pool {}: Auto Scaling group {} not found",
                    p.name(),
                    spot.isEmpty() ? names.spotGroup() : names.onDemandGroup());
            return PassResult.NOTHING;
        }
        Instant now = clock.instant();
        Instant since = lastActivityCheck.getOrDefault(p.name(), now.minus(settings.unschedulableThreshold()));
        boolean shortage = o.insufficientSpotCapacity() || asg.spotShortageSince(names.spotGroup(), since);
        lastActivityCheck.put(p.name(), now);
        CapacityPolicy.GroupPlan plan = policy.planGroups(
                p.name(),
                states.get(p.name()),
                new CapacitySignals(o.oldestUnschedulableSince(), shortage),
                settings,
                spot.get(),
                onDemand.get(),
                o.podsThatMustRun(),
                names.podsPerNode(),
                nodes.cordonedForScaleIn());
        List<CapacityTransition> transitions = record(p.name(), plan.capacity());
        for (CapacityPolicy.GroupAction action : plan.actions()) {
            if (action instanceof CapacityPolicy.SetDesired s) {
                asg.setDesired(s.group(), s.desired());
            } else if (action instanceof CapacityPolicy.Cordon c) {
                nodes.cordonForScaleIn(c.nodeName());
            } else if (action instanceof CapacityPolicy.Uncordon u) {
                nodes.uncordon(u.nodeName());
            } else if (action instanceof CapacityPolicy.Terminate t) {
                asg.terminate(t.instanceId());
            } else if (action instanceof CapacityPolicy.Protect pr) {
                asg.protect(pr.group(), pr.instanceIds(), pr.protect());
            }
        }
        List<NodeNotice> notices = new ArrayList<>();
        for (CapacityPolicy.Group g : List.of(spot.get(), onDemand.get())) {
            g.instances().stream()
                    .filter(i -> i.nodeName() != null)
                    .forEach(i -> InterruptionClassifier.fromLifecycle(i.nodeName(), i.lifecycleState())
                            .ifPresent(notices::add));
        }
        return new PassResult(transitions, plan.actions(), notices);
    }
}
