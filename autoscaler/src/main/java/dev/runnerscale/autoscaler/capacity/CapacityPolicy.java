package dev.runnerscale.autoscaler.capacity;

import dev.runnerscale.autoscaler.capacity.CapacityTransition.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a pool's capacity comes from, decided in plain Java (time from the injected {@link Clock}; no AWS,
 * Kubernetes or framework types: {@code ScalingArchitectureTest} keeps it so).
 *
 * <ul>
 *   <li>{@link #decide}: spot or on-demand for new pods ({@code karpenter}, and the target group of
 *       {@code auto-scaling-group}). Spot until the pool's pods stay unschedulable past the threshold or spot
 *       capacity is reported short; then on-demand, and spot is probed again after {@code recoveryProbeInitial},
 *       doubling up to {@code recoveryProbeMax} after each failed probe; a probe that holds a threshold recovers.
 *   <li>{@link #planGroups}: the {@code auto-scaling-group} provider's actions.
 * </ul>
 */
public final class CapacityPolicy {

    /** The pool's capacity settings, as plain values. */
    public record Settings(Duration unschedulableThreshold, Duration recoveryProbeInitial, Duration recoveryProbeMax) {}

    private final Clock clock;

    public CapacityPolicy(Clock clock) {
        this.clock = clock;
    }

    public CapacityDecision decide(String pool, SpotAvailability state, CapacitySignals signals, Settings settings) {
        Instant now = clock.instant();
        if (state == null) {
            state = SpotAvailability.spot(now);
        }
        if (state.choice() == CapacityChoice.ON_DEMAND) {
            if (state.nextProbeAt() != null && !now.isBefore(state.nextProbeAt())) {
                SpotAvailability probing =
                        new SpotAvailability(CapacityChoice.SPOT, now, true, null, state.probeWait());
                return transition(pool, state, probing, Reason.RECOVERY_PROBE, now);
            }
            return new CapacityDecision(state, Optional.empty());
        }
        boolean unschedulable = signals.oldestUnschedulableSince() != null
                && !signals.oldestUnschedulableSince().isBefore(state.probing() ? state.since() : Instant.MIN)
                && !now.isBefore(signals.oldestUnschedulableSince().plus(settings.unschedulableThreshold()));
        if (state.probing()) {
            if (unschedulable || signals.insufficientSpotCapacity()) {
                Duration wait = min(state.probeWait().multipliedBy(2), settings.recoveryProbeMax());
                SpotAvailability back =
                        new SpotAvailability(CapacityChoice.ON_DEMAND, now, false, now.plus(wait), wait);
                return transition(pool, state, back, Reason.PROBE_FAILED, now);
            }
            boolean probePodWaiting = signals.oldestUnschedulableSince() != null
                    && !signals.oldestUnschedulableSince().isBefore(state.since());
            if (!probePodWaiting && !now.isBefore(state.since().plus(settings.unschedulableThreshold()))) {
                // spot held for a whole threshold: recovered, and the next shortage backs off from the start again
                return new CapacityDecision(
                        new SpotAvailability(CapacityChoice.SPOT, state.since(), false, null, null), Optional.empty());
            }
            return new CapacityDecision(state, Optional.empty());
        }
        if (signals.insufficientSpotCapacity() || unschedulable) {
            Duration wait = settings.recoveryProbeInitial();
            SpotAvailability fallback =
                    new SpotAvailability(CapacityChoice.ON_DEMAND, now, false, now.plus(wait), wait);
            return transition(
                    pool,
                    state,
                    fallback,
                    signals.insufficientSpotCapacity() ? Reason.INSUFFICIENT_SPOT_CAPACITY : Reason.UNSCHEDULABLE,
                    now);
        }
        return new CapacityDecision(state, Optional.empty());
    }

    private static CapacityDecision transition(
            String pool, SpotAvailability from, SpotAvailability to, Reason reason, Instant now) {
        return new CapacityDecision(
                to, Optional.of(new CapacityTransition(pool, from.choice(), to.choice(), reason, now)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // auto-scaling-group provider

    /** The scaling-activity error codes that mean EC2 had no spot capacity for the group. */
    public static final List<String> SPOT_SHORTAGE_CODES =
            List.of("InsufficientInstanceCapacity", "UnfulfillableCapacity", "MaxSpotInstanceCountExceeded");

    /** True when a failed scaling activity's status message names a spot capacity shortage. */
    public static boolean isSpotShortage(String statusCode, String statusMessage) {
        if (statusCode == null || !(statusCode.equals("Failed") || statusCode.equals("Cancelled"))) {
            return false;
        }
        String message = statusMessage == null ? "" : statusMessage;
        return SPOT_SHORTAGE_CODES.stream().anyMatch(message::contains);
    }

    /** One instance of a group as the pass sees it, joined with its Kubernetes node (null when not registered). */
    public record GroupInstance(
            String instanceId,
            String nodeName,
            String lifecycleState,
            boolean protectedFromScaleIn,
            int runnerPods,
            boolean hostsBusyRunner,
            boolean cordoned) {

        boolean inService() {
            return "InService".equals(lifecycleState)
                    || (lifecycleState != null && lifecycleState.startsWith("Pending"));
        }

        boolean empty() {
            return nodeName != null && runnerPods == 0 && !hostsBusyRunner;
        }
    }

    /** A group's size limits and instances. */
    public record Group(String name, int min, int max, int desired, List<GroupInstance> instances) {
        public Group {
            instances = List.copyOf(instances);
        }
    }

    /** An action on the groups or nodes, in the order to carry out. */
    public sealed interface GroupAction {}

    /** {@code SetDesiredCapacity}: scale out (never used to scale in: that is {@link Terminate}). */
    public record SetDesired(String group, int desired) implements GroupAction {}

    /** Cordon an empty node chosen for scale-in; it is terminated by a later pass if still empty. */
    public record Cordon(String nodeName) implements GroupAction {}

    /** Undo a scale-in cordon: demand came back before the node was terminated. */
    public record Uncordon(String nodeName) implements GroupAction {}

    /** {@code TerminateInstanceInAutoScalingGroup} with {@code ShouldDecrementDesiredCapacity=true}. */
    public record Terminate(String group, String instanceId, String nodeName) implements GroupAction {}

    /** {@code SetInstanceProtection}: on for nodes hosting a busy runner, off once they no longer do. */
    public record Protect(String group, List<String> instanceIds, boolean protect) implements GroupAction {}

    /** What to do this pass, and the capacity state for the next. */
    public record GroupPlan(List<GroupAction> actions, CapacityDecision capacity, int nodesNeeded) {}

    /**
     * Plans the groups of a pool: nodes needed = ceil(pods that must run / pods per node); new capacity goes to the
     * group of the current choice (spot, or on-demand during a shortage) up to its max, then to the other group;
     * surplus nodes leave only as specific empty nodes, cordoned first and terminated with a decrement on a later
     * pass, on-demand nodes first; a node hosting a busy runner is protected and never chosen.
     *
     * @param cordonedByUs nodes this autoscaler cordoned for scale-in (not those cordoned by anyone else)
     */
    public GroupPlan planGroups(
            String pool,
            SpotAvailability state,
            CapacitySignals signals,
            Settings settings,
            Group spot,
            Group onDemand,
            int podsThatMustRun,
            int podsPerNode,
            java.util.Set<String> cordonedByUs) {
        CapacityDecision capacity = decide(pool, state, signals, settings);
        List<GroupAction> actions = new ArrayList<>();
        protection(spot, actions);
        protection(onDemand, actions);

        int needed = podsThatMustRun <= 0 ? 0 : (podsThatMustRun + podsPerNode - 1) / podsPerNode;
        List<GroupInstance> draining = new ArrayList<>();
        for (Group g : List.of(spot, onDemand)) {
            g.instances().stream()
                    .filter(i -> i.nodeName() != null && cordonedByUs.contains(i.nodeName()))
                    .forEach(draining::add);
        }
        int available = spot.desired() + onDemand.desired() - draining.size();

        if (needed > available) {
            int missing = needed - available;
            // first take back nodes we were about to remove
            for (GroupInstance i : draining) {
                if (missing == 0) {
                    break;
                }
                actions.add(new Uncordon(i.nodeName()));
                missing--;
            }
            Group first = capacity.newPodsAsk() == CapacityChoice.SPOT ? spot : onDemand;
            Group second = first == spot ? onDemand : spot;
            for (Group g : List.of(first, second)) {
                if (missing == 0) {
                    break;
                }
                int room = g.max() - g.desired();
                int add = Math.min(room, missing);
                if (add > 0) {
                    actions.add(new SetDesired(g.name(), g.desired() + add));
                    missing -= add;
                }
            }
        } else {
            // already-cordoned empty nodes are terminated now; new surplus nodes are only cordoned this pass
            int surplus = available - needed;
            for (GroupInstance i : draining) {
                Group g = spot.instances().contains(i) ? spot : onDemand;
                if (i.empty() && !i.protectedFromScaleIn() && i.inService()) {
                    actions.add(new Terminate(g.name(), i.instanceId(), i.nodeName()));
                } else if (!i.empty()) {
                    actions.add(new Uncordon(i.nodeName()));
                }
            }
            if (surplus > 0) {
                for (Group g : List.of(onDemand, spot)) {
                    int removable = g.desired()
                            - g.min()
                            - (int) draining.stream()
                                    .filter(g.instances()::contains)
                                    .count();
                    List<GroupInstance> candidates = g.instances().stream()
                            .filter(GroupInstance::inService)
                            .filter(GroupInstance::empty)
                            .filter(i -> !i.protectedFromScaleIn() && !i.cordoned())
                            .filter(i -> !cordonedByUs.contains(i.nodeName()))
                            .sorted(Comparator.comparing(GroupInstance::instanceId))
                            .toList();
                    for (GroupInstance i : candidates) {
                        if (surplus == 0 || removable <= 0) {
                            break;
                        }
                        actions.add(new Cordon(i.nodeName()));
                        surplus--;
                        removable--;
                    }
                }
            }
        }
        return new GroupPlan(List.copyOf(actions), capacity, needed);
    }

    private static void protection(Group g, List<GroupAction> actions) {
        List<String> protect = g.instances().stream()
                .filter(i -> i.hostsBusyRunner() && !i.protectedFromScaleIn())
                .map(GroupInstance::instanceId)
                .sorted()
                .toList();
        List<String> release = g.instances().stream()
                .filter(i -> !i.hostsBusyRunner() && i.protectedFromScaleIn() && i.nodeName() != null)
                .map(GroupInstance::instanceId)
                .sorted()
                .toList();
        if (!protect.isEmpty()) {
            actions.add(new Protect(g.name(), protect, true));
        }
        if (!release.isEmpty()) {
            actions.add(new Protect(g.name(), release, false));
        }
    }
}
