package dev.runnerscale.autoscaler.scaling;

import java.util.Locale;

/** What a runner pod is doing, as observed from its pod phase, GitHub's runner list and the job ledger. */
public enum RunnerState {
    /** Created, not yet running (scheduling, pulling, waiting for its JIT Secret). Counts as capacity. */
    PENDING,
    /** Running and not assigned a job. Counts as capacity. */
    IDLE,
    /** Running a job: GitHub reports it busy or the ledger holds an in-progress job on it. Never scaled down. */
    BUSY,
    /** The pod failed: never counted as capacity; deleted and replaced with back-off. */
    FAILED,
    /** The runner ran its one job and exited: deleted, which frees its slot. */
    SUCCEEDED,
    /** Being deleted: occupies its slot, not counted. */
    TERMINATING;

    public boolean countsAsCapacity() {
        return this == PENDING || this == IDLE || this == BUSY;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
