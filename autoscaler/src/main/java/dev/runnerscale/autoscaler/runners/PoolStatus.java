package dev.runnerscale.autoscaler.runners;

import java.time.Instant;

/**
 * The operator's view of one pool: desired and observed runners by state, the ledger's demand, limits and the last
 * scaling decision a reconcile pass applied (null on a replica that has not reconciled the pool).
 */
public record PoolStatus(
        String name,
        int desired,
        long pending,
        long idle,
        long busy,
        long failed,
        long queued,
        long inProgress,
        int min,
        int max,
        LastDecision lastDecision) {

    public record LastDecision(int desired, String direction, String reason, Instant at) {}
}
