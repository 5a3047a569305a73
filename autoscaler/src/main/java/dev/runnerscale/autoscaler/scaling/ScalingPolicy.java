package dev.runnerscale.autoscaler.scaling;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, for one pool, how many runners it should have and which pods to create, delete and retire. Pure: the
 * same snapshot at the same instant gives the same decision, so a pass can be repeated safely (level-based).
 *
 * <p>desired = min(max, busy + queued + minIdle), where busy = max(busy runners, in-progress jobs of the pool's own
 * runners): GitHub and the ledger may each lag the other, and the larger view never under-provisions a running job.
 * Ended pods, pods being deleted, pods pending past the pending timeout and registered runners offline on GitHub past
 * the online grace never count as capacity. Only idle runners past the idle timeout are retired, and only as many as
 * exceed {@code desired}: a busy runner is never a candidate, so a running job is never killed by a scale-down.
 *
 * <p>A misplaced runner — on a node that got an interruption or rebalance notice (going away), or waiting for capacity
 * new pods no longer ask for — is no capacity when it is idle or has not started: it is replaced ({@code podsToReplace},
 * retired GitHub first) in the same pass. A busy one keeps counting, because its job runs until the node goes.
 *
 * <p>An ended runner is judged by whether it took a job, not by its exit code: one that never did failed to register
 * or start (back-off), one that did finished its job, well or not (a job's OOM kill or an eviction is reported, but
 * says nothing about the pool).
 */
public final class ScalingPolicy {

    private final Clock clock;

    public ScalingPolicy(Clock clock) {
        this.clock = clock;
    }

    public ScalingDecision decide(PoolSnapshot snapshot) {
        Instant now = clock.instant();
        PoolLimits limits = snapshot.limits();

        long busy = Math.max(snapshot.count(RunnerState.BUSY), snapshot.inProgressJobs());
        long demand = busy + snapshot.queuedJobs() + limits.minIdle();
        int desired = (int) Math.min(limits.max(), demand);

        List<String> toDelete = new ArrayList<>();
        List<String> registrationFailures = new ArrayList<>();
        List<String> jobFailures = new ArrayList<>();
        List<String> completed = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        List<String> replace = new ArrayList<>();
        Set<Integer> occupied = new HashSet<>();
        int active = 0;
        for (ObservedRunner runner : snapshot.runners()) {
            occupied.add(runner.slot());
            switch (runner.state()) {
                case FAILED, SUCCEEDED -> {
                    toDelete.add(runner.podName());
                    if (!runner.tookJob()) {
                        registrationFailures.add(runner.podName());
                    } else {
                        completed.add(runner.podName());
                        if (runner.state() == RunnerState.FAILED) {
                            jobFailures.add(runner.podName());
                        }
                    }
                }
                case PENDING -> {
                    if (runner.misplaced()) {
                        replace.add(runner.podName());
                    } else if (!runner.since().plus(limits.pendingTimeout()).isAfter(now)) {
                        stuck.add(runner.podName());
                        toDelete.add(runner.podName());
                    } else {
                        active++;
                    }
                }
                case IDLE -> {
                    if (runner.misplaced()) {
                        replace.add(runner.podName());
                    } else if (offlinePastGrace(runner, limits, now)) {
                        offline.add(runner.podName());
                        registrationFailures.add(runner.podName());
                        toDelete.add(runner.podName());
                    } else {
                        active++;
                    }
                }
                case BUSY -> active++;
                case TERMINATING -> {
                    // occupies its slot until the API server has removed it
                }
            }
        }

        List<Integer> create = new ArrayList<>();
        List<String> retire = new ArrayList<>();
        ScalingDirection direction = ScalingDirection.NONE;
        ScalingReason reason;
        int missing = desired - active;
        if (missing > 0 && held(snapshot.creationHeldUntil(), now)) {
            reason = ScalingReason.FAILURE_BACKOFF;
        } else if (missing > 0 && held(snapshot.registrationHeldUntil(), now)) {
            // A pod GitHub cannot register now would only wait for its JIT Secret until the pending timeout (and,
            // with Karpenter, perhaps buy a node meanwhile): nothing is created until registration is possible.
            reason = ScalingReason.REGISTRATION_HELD;
        } else if (missing > 0) {
            // Slots above max are never used: the pod name is the cap the API server enforces.
            for (int slot = 0; slot < limits.max() && create.size() < missing; slot++) {
                if (!occupied.contains(slot)) {
                    create.add(slot);
                }
            }
            direction = create.isEmpty() ? ScalingDirection.NONE : ScalingDirection.UP;
            reason = snapshot.queuedJobs() > 0 || busy >= active + create.size()
                    ? ScalingReason.QUEUED_JOBS
                    : ScalingReason.MIN_IDLE;
        } else if (missing < 0) {
            snapshot.runners().stream()
                    .filter(r -> r.state() == RunnerState.IDLE
                            && !offline.contains(r.podName())
                            && !replace.contains(r.podName()))
                    .filter(r -> !r.since().plus(limits.idleTimeout()).isAfter(now))
                    .sorted(Comparator.comparing(ObservedRunner::since).thenComparing(ObservedRunner::slot))
                    .limit(-missing)
                    .forEach(r -> retire.add(r.podName()));
            direction = retire.isEmpty() ? ScalingDirection.NONE : ScalingDirection.DOWN;
            reason = retire.isEmpty() ? ScalingReason.STEADY : ScalingReason.IDLE_TIMEOUT;
        } else {
            reason = ScalingReason.STEADY;
        }
        boolean onlyReplacing = snapshot.queuedJobs() == 0
                && (reason == ScalingReason.STEADY
                        || reason == ScalingReason.MIN_IDLE
                        || reason == ScalingReason.QUEUED_JOBS);
        if (!replace.isEmpty() && onlyReplacing) {
            reason = ScalingReason.REPLACE_MISPLACED;
        } else if (direction == ScalingDirection.NONE && reason == ScalingReason.STEADY) {
            if (!stuck.isEmpty()) {
                reason = ScalingReason.REPLACE_STUCK_PENDING;
            } else if (!offline.isEmpty()) {
                reason = ScalingReason.REPLACE_OFFLINE;
            } else if (!registrationFailures.isEmpty()) {
                reason = ScalingReason.REPLACE_FAILED;
            }
        }
        return new ScalingDecision(
                limits.pool(),
                desired,
                active,
                demand > limits.max(),
                direction,
                reason,
                create,
                toDelete,
                retire,
                registrationFailures,
                jobFailures,
                completed,
                offline,
                replace,
                now);
    }

    /** Offline on GitHub since the later of its start and the first listing that showed it offline, past the grace. */
    private static boolean offlinePastGrace(ObservedRunner runner, PoolLimits limits, Instant now) {
        if (runner.offlineSince() == null) {
            return false;
        }
        Instant from = runner.offlineSince().isAfter(runner.since()) ? runner.offlineSince() : runner.since();
        return !from.plus(limits.onlineGrace()).isAfter(now);
    }

    private static boolean held(Instant until, Instant now) {
        return until != null && now.isBefore(until);
    }
}
