package dev.runnerscale.autoscaler.jobs;

/** Demand of one pool as the ledger sees it now: jobs waiting for approval, queued for a runner, running. */
public record PoolJobCounts(String pool, long waiting, long queued, long inProgress) {

    public static PoolJobCounts empty(String pool) {
        return new PoolJobCounts(pool, 0, 0, 0);
    }
}
