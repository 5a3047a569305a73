package dev.runnerscale.autoscaler.scaling;

import java.time.Instant;
import java.util.Objects;

/**
 * One runner pod as a reconcile pass observed it.
 *
 * @param podName the pod, {@code <pool>-<slot>}
 * @param slot the slot the pod occupies ({@code 0 <= slot < max})
 * @param state what the runner is doing
 * @param since when it entered that state (created for PENDING, started for IDLE/BUSY, finished for terminal states)
 * @param tookJob whether the runner ever took a job (busy now, marked busy before, or the ledger holds a job that ran
 *     on it): an ephemeral runner that exits without one never worked, whatever its exit code
 * @param exit how the runner container ended (terminal states only; null otherwise or when unknown)
 * @param offlineSince since when GitHub has listed this registered runner offline (null: online, or not known)
 * @param misplaced the pod is where the pool no longer wants it: bound to a node that got an interruption or
 *     rebalance notice (it is going away), or waiting for capacity new pods no longer ask for (spot, after a shift to
 *     on-demand). An idle or pending runner so is no capacity and is replaced; a busy one finishes what it can
 */
public record ObservedRunner(
        String podName,
        int slot,
        RunnerState state,
        Instant since,
        boolean tookJob,
        RunnerExit exit,
        Instant offlineSince,
        boolean misplaced) {

    public ObservedRunner {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        tookJob = tookJob || state == RunnerState.BUSY;
    }

    /** A runner where the pool wants it. */
    public ObservedRunner(
            String podName,
            int slot,
            RunnerState state,
            Instant since,
            boolean tookJob,
            RunnerExit exit,
            Instant offlineSince) {
        this(podName, slot, state, since, tookJob, exit, offlineSince, false);
    }

    /** A runner with nothing known beyond its state (busy implies it took a job). */
    public ObservedRunner(String podName, int slot, RunnerState state, Instant since) {
        this(podName, slot, state, since, false, null, null, false);
    }

    public ObservedRunner withSince(Instant newSince) {
        return new ObservedRunner(podName, slot, state, newSince, tookJob, exit, offlineSince, misplaced);
    }

    public ObservedRunner withOfflineSince(Instant offline) {
        return new ObservedRunner(podName, slot, state, since, tookJob, exit, offline, misplaced);
    }

    public ObservedRunner asMisplaced() {
        return new ObservedRunner(podName, slot, state, since, tookJob, exit, offlineSince, true);
    }

    public boolean terminal() {
        return state == RunnerState.SUCCEEDED || state == RunnerState.FAILED;
    }
}
