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
 */
public record ObservedRunner(
        String podName,
        int slot,
        RunnerState state,
        Instant since,
        boolean tookJob,
        RunnerExit exit,
        Instant offlineSince) {

    public ObservedRunner {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        tookJob = tookJob || state == RunnerState.BUSY;
    }

    /** A runner with nothing known beyond its state (busy implies it took a job). */
    public ObservedRunner(String podName, int slot, RunnerState state, Instant since) {
        this(podName, slot, state, since, false, null, null);
    }

    public ObservedRunner withSince(Instant newSince) {
        return new ObservedRunner(podName, slot, state, newSince, tookJob, exit, offlineSince);
    }

    public ObservedRunner withOfflineSince(Instant offline) {
        return new ObservedRunner(podName, slot, state, since, tookJob, exit, offline);
    }

    public boolean terminal() {
        return state == RunnerState.SUCCEEDED || state == RunnerState.FAILED;
    }
}
