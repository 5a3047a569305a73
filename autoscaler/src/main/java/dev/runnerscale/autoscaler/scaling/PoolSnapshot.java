package dev.runnerscale.autoscaler.scaling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the policy needs to decide one pool: its limits, the ledger's demand and the observed runner pods.
 *
 * @param queuedJobs jobs of the pool waiting for a runner
 * @param inProgressJobs jobs of the pool running on one of the pool's runners (or on a runner not known yet); jobs on
 *     runners that are not the pool's (static runners, another pool, another controller) are not its demand
 * @param creationHeldUntil failure back-off: no pod is created before this instant (null: no back-off)
 * @param registrationHeldUntil GitHub cannot register runners of this pool before this instant (a rejection of the
 *     pool's calls, or its credential rate-limited or unavailable): no pod is created that could not be registered
 *     (null: registration possible)
 */
public record PoolSnapshot(
        PoolLimits limits,
        long queuedJobs,
        long inProgressJobs,
        List<ObservedRunner> runners,
        Instant creationHeldUntil,
        Instant registrationHeldUntil) {

    public PoolSnapshot {
        Objects.requireNonNull(limits, "limits");
        runners = List.copyOf(runners);
        if (queuedJobs < 0 || inProgressJobs < 0) {
            throw new IllegalArgumentException("job counts must not be negative");
        }
    }

    public long count(RunnerState state) {
        return runners.stream().filter(r -> r.state() == state).count();
    }
}
