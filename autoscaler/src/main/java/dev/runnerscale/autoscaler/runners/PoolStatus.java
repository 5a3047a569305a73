package dev.runnerscale.autoscaler.runners;

import java.time.Instant;

/**
 * The operator's view of one pool: desired and observed runners by state, the ledger's demand, limits and the last
 * scaling decision a reconcile pass applied (null on a replica that has not reconciled the pool). {@code idle} and
 * {@code busy} count registered runners only (pods with a GitHub runner id); {@code unregistered} counts running pods
 * GitHub does not know (dry run, or registration pending), which still occupy capacity.
 */
public record PoolStatus(
        String name,
        int desired,
        long pending,
        long idle,
        long busy,
        long unregistered,
        long failed,
        long queued,
        long inProgress,
        int min,
        int max,
        LastDecision lastDecision) {

    public record LastDecision(int desired, String direction, String reason, Instant at) {}
}
