package dev.runnerscale.autoscaler.scaling;

import java.util.Locale;

/** Why a pool's runner count changes (or does not); bounded, so it is fit for a metric tag. */
public enum ScalingReason {
    /** More runners for queued jobs. */
    QUEUED_JOBS,
    /** More runners to keep {@code min-idle} warm runners. */
    MIN_IDLE,
    /** Idle runners past the idle timeout and not needed are removed. */
    IDLE_TIMEOUT,
    /** Runners that exited without ever taking a job (a failed registration or start) were removed; replaced. */
    REPLACE_FAILED,
    /** Registered runners that stayed offline on GitHub past the grace were removed; they are replaced. */
    REPLACE_OFFLINE,
    /** Pods pending past the pending timeout were removed; they are replaced. */
    REPLACE_STUCK_PENDING,
    /**
     * Idle runners on a node that got an interruption or rebalance notice, and pods waiting for capacity new pods no
     * longer ask for, are replaced.
     */
    REPLACE_MISPLACED,
    /** Runners are needed but creation is held back after failures. */
    FAILURE_BACKOFF,
    /** Runners are needed but GitHub cannot register them now (rejected, rate-limited or unavailable). */
    REGISTRATION_HELD,
    /** Nothing to change. */
    STEADY;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
