package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.CostModel;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.RunnerCost;
import dev.runnerscale.autoscaler.cost.RunnerUsage;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices a runner when its pod has ended and stores the result once. The reconciler calls
 * {@link #runnerEnded(RunnerEnded)} for every ended runner pod it sees (on every pass, from any replica: the store is
 * idempotent per runner and per job, and the counters move only for the call that stored the row).
 */
public class CostAccountant {

    private static final Logger log = LoggerFactory.getLogger(CostAccountant.class);

    private final JdbcCostLedger ledger;
    private final PriceService prices;
    private final RunnerNodes nodes;
    private final CostMetrics metrics;
    private final Map<String, String> githubHostedSizeByPool;
    private final Clock clock;

    public CostAccountant(
            JdbcCostLedger ledger,
            PriceService prices,
            RunnerNodes nodes,
            CostMetrics metrics,
            PoolsProperties pools,
            Clock clock) {
        this.ledger = ledger;
        this.prices = prices;
        this.nodes = nodes;
        this.metrics = metrics;
        this.githubHostedSizeByPool = pools.pools().stream()
                .collect(Collectors.toUnmodifiableMap(
                        PoolsProperties.Pool::name, PoolsProperties.Pool::githubHostedSize));
        this.clock = clock;
    }

    /**
     * Prices and stores an ended runner. Returns the cost when this call stored it, empty when it was stored before
     * (by this or another replica) or the pod never held a node.
     */
    public Optional<RunnerCost> runnerEnded(RunnerEnded e) {
        if (e.nodeName() == null) {
            return Optional.empty(); // never scheduled: it held nothing and costs nothing
        }
        Optional<JdbcCostLedger.LedgerJobFacts> job = ledger.job(e.jobId(), e.runnerName());
        Instant jobStart = e.jobStartedAt() != null
                ? e.jobStartedAt()
                : job.map(j -> j.startedAt()).orElse(null);
        Instant jobEnd = e.jobEndedAt() != null
                ? e.jobEndedAt()
                : job.map(j -> j.completedAt()).orElse(null);
        Long jobId = e.jobId() != null
                ? e.jobId()
                : job.map(JdbcCostLedger.LedgerJobFacts::jobId).orElse(null);
        if (jobId == null) {
            jobStart = null;
            jobEnd = null;
        }
        Instant end = e.endedAt().isBefore(e.runnerStartedAt()) ? e.runnerStartedAt() : e.endedAt();
        NodeFacts node = nodes.facts(e.nodeName())
                .orElse(new NodeFacts(e.nodeName(), null, null, null, CapacityType.UNKNOWN, e.requests()));
        String size = githubHostedSizeByPool.get(e.pool());
        RunnerCost cost = CostModel.runnerCost(
                new RunnerUsage(e.requests(), e.runnerStartedAt(), end, jobStart, jobEnd),
                node,
                prices.prices(),
                prices.tables().githubHostedUsdPerMinute(size));
        String repository = job.map(JdbcCostLedger.LedgerJobFacts::repository).orElse(null);
        boolean stored = ledger.insertRunnerCost(new JdbcCostLedger.RunnerCostRow(
                e.runnerName(),
                jobId,
                e.pool(),
                jobId == null ? null : repository,
                jobId == null
                        ? null
                        : job.map(JdbcCostLedger.LedgerJobFacts::workflow).orElse(null),
                e.podName(),
                e.nodeName(),
                cost.instanceType(),
                cost.zone(),
                cost.capacityType().tag(),
                e.requests().milliCpu(),
                e.requests().memoryBytes(),
                e.runnerStartedAt(),
                end,
                jobStart,
                jobEnd,
                cost.runnerMillis(),
                cost.jobMillis(),
                cost.usd(),
                cost.runningUsd(),
                cost.onDemandUsd(),
                cost.githubHostedUsd(),
                clock.instant()));
        if (!stored) {
            return Optional.empty();
        }
        if (jobId != null) {
            metrics.jobCost(
                    e.pool(),
                    cost.capacityType().tag(),
                    repository,
                    cost.usd(),
                    cost.onDemandUsd(),
                    cost.githubHostedUsd());
        } else if (cost.usd() != null) {
            metrics.idle(e.pool(), cost.usd());
        }
        if (!cost.known()) {
            log.info(
                    "runner {} of pool {} on node {} ({} {} {}): price unknown, its cost is recorded as unknown",
                    e.runnerName(),
                    e.pool(),
                    e.nodeName(),
                    cost.instanceType(),
                    cost.zone(),
                    cost.capacityType().tag());
        } else {
            log.debug("runner {} of pool {} cost {} USD (job {})", e.runnerName(), e.pool(), cost.usd(), jobId);
        }
        return Optional.of(cost);
    }

    /** The job's stored cost, if known yet ({@code GET /api/v1/jobs/{id}}'s {@code cost}). */
    public Optional<JobCost> costOf(long jobId) {
        return ledger.costOf(jobId);
    }
}
