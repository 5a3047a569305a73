package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The nodes under a pool's runners, as the pass needs them: where new pods may go (what capacity they ask for, which
 * nodes they must avoid because an interruption or rebalance notice says they are going away) and, after the pass
 * created its pods, one turn of the pool's capacity provider and interruption records. Implemented beside the
 * capacity providers ({@code capacity.providers}); the pass only sees this port, so it runs without it too
 * ({@link #NONE}: pods as the template says, no node knowledge).
 */
public interface NodeCapacity {

    /**
     * Observe (read only, also for the operator view on any replica): where the pool's new pods go now.
     *
     * @param pods the pool's pods as the pass observed them
     */
    Placement placement(Pool pool, List<Pod> pods, Instant now);

    /**
     * Act, after the pass created and registered its pods: drives the pool's capacity provider (Karpenter's capacity
     * type, or the Auto Scaling groups) and records the notices of nodes holding the pool's runners. Must not throw
     * for a provider's outage (it is logged and retried at {@link Outcome#requeueAt()}).
     *
     * @param pods the pool's pods now: those observed and those this pass created
     * @param runners what each pod's runner is doing, by pod name (created pods are pending)
     */
    Outcome act(Pool pool, Placement placement, List<Pod> pods, Map<String, ObservedRunner> runners, Instant now);

    /** This replica stopped leading: what it remembered of the pools' capacity is no longer the fleet's. */
    default void leadershipLost() {}

    /**
     * Where new pods of a pool go.
     *
     * @param nodeSelector entries new pods ask for on top of (and over) the template's, for example
     *     {@code karpenter.sh/capacity-type: on-demand} during a spot shortage
     * @param noticedNodes nodes holding or able to hold the pool's pods that got an interruption or rebalance notice,
     *     with what was noticed: new pods must not go there, idle runners there are replaced
     * @param strandedPods pods of the pool that wait for a node asking for capacity new pods no longer ask for (spot,
     *     after a shift to on-demand): replaced by pods that ask for what is there
     */
    record Placement(Map<String, String> nodeSelector, Map<String, String> noticedNodes, Set<String> strandedPods) {

        public static final Placement TEMPLATE = new Placement(Map.of(), Map.of(), Set.of());

        public Placement {
            nodeSelector = Map.copyOf(Objects.requireNonNull(nodeSelector, "nodeSelector"));
            noticedNodes = Map.copyOf(Objects.requireNonNull(noticedNodes, "noticedNodes"));
            strandedPods = Set.copyOf(Objects.requireNonNull(strandedPods, "strandedPods"));
        }
    }

    /** A pool-level Kubernetes Event (written on the autoscaler's own pod: a capacity change has no runner pod). */
    record PoolEvent(String type, String reason, String message) {}

    /**
     * What a turn of the provider did.
     *
     * @param events Events to write (capacity transitions)
     * @param requeueAt when the pool should be looked at again for the provider's sake (a probe, a retry after an
     *     outage, a cordoned node to terminate); null: no need
     */
    record Outcome(List<PoolEvent> events, Instant requeueAt) {

        public static final Outcome NOTHING = new Outcome(List.of(), null);

        public Outcome {
            events = List.copyOf(events);
        }
    }

    /** No node knowledge: pods go where their template says, nothing is driven. */
    NodeCapacity NONE = new NodeCapacity() {
        @Override
        public Placement placement(Pool pool, List<Pod> pods, Instant now) {
            return Placement.TEMPLATE;
        }

        @Override
        public Outcome act(
                Pool pool, Placement placement, List<Pod> pods, Map<String, ObservedRunner> runners, Instant now) {
            return Outcome.NOTHING;
        }
    };
}
