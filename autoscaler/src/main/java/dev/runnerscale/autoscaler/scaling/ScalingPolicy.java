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
 * <p>desired = min(max, busy + queued + minIdle), where busy = max(busy runners, in-progress jobs): GitHub and the
 * ledger may each lag the other, and the larger view never under-provisions a running job. Failed and succeeded
 * pods, pods being deleted and pods pending past the pending timeout never count as capacity. Only idle runners
 * past the idle timeout are retired, and only as many as exceed {@code desired}: a busy runner is never a
 * candidate, so a running job is never killed by a scale-down.
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
        List<String> failed = new ArrayList<>();
        List<String> succeeded = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        Set<Integer> occupied = new HashSet<>();
        int active = 0;
        for (ObservedRunner runner : snapshot.runners()) {
            occupied.add(runner.slot());
            switch (runner.state()) {
                case FAILED -> {
                    failed.add(runner.podName());
                    toDelete.add(runner.podName());
                }
                case SUCCEEDED -> {
                    succeeded.add(runner.podName());
                    toDelete.add(runner.podName());
                }
                case PENDING -> {
                    if (!runner.since().plus(limits.pendingTimeout()).isAfter(now)) {
                        stuck.add(runner.podName());
                        toDelete.add(runner.podName());
                    } else {
                        active++;
                    }
                }
                case IDLE, BUSY -> active++;
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
        if (missing > 0 && snapshot.creationHeldUntil() != null && now.isBefore(snapshot.creationHeldUntil())) {
            reason = ScalingReason.FAILURE_BACKOFF;
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
                    .filter(r -> r.state() == RunnerState.IDLE)
                    .filter(r -> !r.since().plus(limits.idleTimeout()).isAfter(now))
                    .sorted(Comparator.comparing(ObservedRunner::since).thenComparing(ObservedRunner::slot))
                    .limit(-missing)
                    .forEach(r -> retire.add(r.podName()));
            direction = retire.isEmpty() ? ScalingDirection.NONE : ScalingDirection.DOWN;
            reason = retire.isEmpty() ? ScalingReason.STEADY : ScalingReason.IDLE_TIMEOUT;
        } else {
            reason = ScalingReason.STEADY;
        }
        if (direction == ScalingDirection.NONE && reason == ScalingReason.STEADY) {
            if (!stuck.isEmpty()) {
                reason = ScalingReason.REPLACE_STUCK_PENDING;
            } else if (!failed.isEmpty()) {
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
                failed,
                succeeded,
                now);
    }
}
