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
 */
public record ObservedRunner(String podName, int slot, RunnerState state, Instant since) {

    public ObservedRunner {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }
}
