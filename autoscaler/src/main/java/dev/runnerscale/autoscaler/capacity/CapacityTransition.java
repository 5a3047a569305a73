package dev.runnerscale.autoscaler.capacity;

import java.time.Instant;

/**
 * A change of what new pods of a pool ask for. The caller turns it into a Kubernetes Event, a log line and
 * {@code runnerscale_capacity_fallbacks_total{pool,to}}.
 */
public record CapacityTransition(String pool, CapacityChoice from, CapacityChoice to, Reason reason, Instant at) {

    public enum Reason {
        /** The pool's pods stayed unschedulable past the threshold. */
        UNSCHEDULABLE,
        /** The cluster or the Auto Scaling group reported insufficient spot capacity. */
        INSUFFICIENT_SPOT_CAPACITY,
        /** The back-off after a shift to on-demand ended: new pods try spot again. */
        RECOVERY_PROBE,
        /** Spot was still short during a probe: back to on-demand, the next probe waits twice as long. */
        PROBE_FAILED
    }

    public String message() {
        return switch (reason) {
            case UNSCHEDULABLE -> "pods of pool " + pool + " stayed unschedulable on spot: new pods ask for on-demand";
            case INSUFFICIENT_SPOT_CAPACITY ->
                "insufficient spot capacity for pool " + pool + ": new pods ask for on-demand";
            case RECOVERY_PROBE -> "probing spot again for pool " + pool + ": new pods ask for spot";
            case PROBE_FAILED -> "spot still short for pool " + pool + ": new pods ask for on-demand again";
        };
    }
}
