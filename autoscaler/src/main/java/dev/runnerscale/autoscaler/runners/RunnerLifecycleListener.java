package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.ScalingDecision;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What features beside the reconciler need to hear of runner pods (cost accounting, the queue-time timeline): told on
 * the reconciler's thread after the fact, never asked. Implementations must be quick (the pass waits) and must not
 * throw: a listener's failure is logged and the pass goes on. Spring beans of this type are registered with the
 * reconciler.
 */
public interface RunnerLifecycleListener {

    /**
     * A pool's pass observed, decided and acted.
     *
     * @param pods the pool's pods as the pass observed them (read only: they may be the informer cache's objects)
     * @param runners what each pod's runner was doing, by pod name
     */
    record PoolPass(
            Pool pool,
            PoolJobCounts counts,
            List<Pod> pods,
            Map<String, ObservedRunner> runners,
            ScalingDecision decision,
            Instant at) {}

    /** After each pass of a pool. */
    default void passed(PoolPass pass) {}

    /** A runner pod was created for the pool. */
    default void created(Pool pool, Pod pod, Instant at) {}

    /** The pod's runner was registered with GitHub just in time. */
    default void registered(Pool pool, Pod pod, long runnerId, Instant at) {}

    /**
     * The pod is being deleted: it ended, was retired, replaced or drained. {@code runner} is its last observation
     * (its state, how it ended, whether it took a job). Called once per deletion a pass makes.
     *
     * @param pool the pool, or null for a pool no longer configured
     */
    default void removed(Pool pool, Pod pod, ObservedRunner runner, Instant at) {}
}
