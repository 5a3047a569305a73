package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.util.List;

/**
 * One pool as {@code GET /api/v1/pools} shows it: its configuration and the ledger's demand. Runner counts are added
 * by the runners feature (next issue) as further components.
 */
public record PoolView(String name, List<String> labels, int min, int max, long queued, long waiting, long inProgress) {

    public static PoolView of(PoolsProperties.Pool pool, PoolJobCounts counts) {
        return new PoolView(
                pool.name(),
                pool.labels(),
                pool.minIdle(),
                pool.max(),
                counts.queued(),
                counts.waiting(),
                counts.inProgress());
    }
}
