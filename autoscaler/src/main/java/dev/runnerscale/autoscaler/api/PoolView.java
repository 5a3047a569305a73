package dev.runnerscale.autoscaler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.runners.PoolStatus;
import java.util.List;

/**
 * One pool as {@code GET /api/v1/pools} shows it: its configuration, the ledger's demand and, when this replica runs
 * the runners feature, its runners by state and the last scaling decision ({@code lastDecision} is null on a replica
 * that has not reconciled the pool yet, for example a follower); {@code hold} says why the pool's work waits, when
 * GitHub or the API server refused its calls (null otherwise); {@code queueTime} (the single pool's answer only) its
 * recent queue time by stage and its stuck jobs.
 */
public record PoolView(
        String name,
        List<String> labels,
        int min,
        int max,
        long queued,
        long waiting,
        long inProgress,
        Integer desired,
        Long pending,
        Long idle,
        Long busy,
        Long unregistered,
        Long failed,
        PoolStatus.LastDecision lastDecision,
        PoolStatus.Hold hold,
        @JsonInclude(JsonInclude.Include.NON_NULL) QueueTimeViews.QueueTimeView queueTime) {

    public static PoolView of(PoolsProperties.Pool pool, PoolJobCounts counts) {
        return new PoolView(
                pool.name(),
                pool.labels(),
                pool.minIdle(),
                pool.max(),
                counts.queued(),
                counts.waiting(),
                counts.inProgress(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The pool with its runners, observed now (from the API server and the ledger). */
    public static PoolView of(PoolsProperties.Pool pool, PoolJobCounts counts, PoolStatus runners) {
        return new PoolView(
                pool.name(),
                pool.labels(),
                pool.minIdle(),
                pool.max(),
                counts.queued(),
                counts.waiting(),
                counts.inProgress(),
                runners.desired(),
                runners.pending(),
                runners.idle(),
                runners.busy(),
                runners.unregistered(),
                runners.failed(),
                runners.lastDecision(),
                runners.hold(),
                null);
    }

    /** The same pool with its recent queue time ({@code GET /api/v1/pools/{name}} only). */
    PoolView withQueueTime(QueueTimeViews.QueueTimeView q) {
        return new PoolView(
                name,
                labels,
                min,
                max,
                queued,
                waiting,
                inProgress,
                desired,
                pending,
                idle,
                busy,
                unregistered,
                failed,
                lastDecision,
                hold,
                q);
    }
}
