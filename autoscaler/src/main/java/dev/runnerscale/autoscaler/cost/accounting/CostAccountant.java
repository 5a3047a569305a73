package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.CostModel;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.NodePrices;
import dev.runnerscale.autoscaler.cost.RunnerCost;
import dev.runnerscale.autoscaler.cost.RunnerUsage;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        return runnersEnded(List.of(e)).get(0);
    }

    /**
     * The same for several runners (a pass that saw many ended pods): one ledger read and one batched insert.
     * Results are in the order of {@code ended}.
     */
    public List<Optional<RunnerCost>> runnersEnded(List<RunnerEnded> ended) {
        List<RunnerEnded> scheduled =
                ended.stream().filter(e -> e.nodeName() != null).toList();
        Map<Object, JdbcCostLedger.LedgerJobFacts> jobs = ledger.jobs(
                scheduled.stream()
                        .map(RunnerEnded::jobId)
                        .filter(java.util.Objects::nonNull)
                        .toList(),
                scheduled.stream().map(RunnerEnded::runnerName).toList());
        // the prices in force and the clock are read once for the batch, not per runner
        NodePrices now = prices.prices();
        Instant recordedAt = clock.instant();
        List<Priced> priced = new ArrayList<>(scheduled.size());
        for (RunnerEnded e : scheduled) {
            JdbcCostLedger.LedgerJobFacts job = e.jobId() != null ? jobs.get(e.jobId()) : jobs.get(e.runnerName());
            priced.add(price(e, Optional.ofNullable(job), now, recordedAt));
        }
        boolean[] stored = priced.isEmpty()
                ? new boolean[0]
                : ledger.insertRunnerCosts(priced.stream().map(Priced::row).toList());
        Map<RunnerEnded, RunnerCost> out = new java.util.IdentityHashMap<>();
        for (int i = 0; i < priced.size(); i++) {
            if (stored[i]) {
                count(priced.get(i));
                out.put(scheduled.get(i), priced.get(i).cost());
            }
        }
        return ended.stream().map(e -> Optional.ofNullable(out.get(e))).toList();
    }

    private record Priced(RunnerEnded ended, JdbcCostLedger.RunnerCostRow row, RunnerCost cost, String repository) {}

    private Priced price(
            RunnerEnded e, Optional<JdbcCostLedger.LedgerJobFacts> job, NodePrices nodePrices, Instant recordedAt) {
        Long jobId = e.jobId() != null
                ? e.jobId()
                : job.map(JdbcCostLedger.LedgerJobFacts::jobId).orElse(null);
        Instant jobStart = null;
        Instant jobEnd = null;
        if (jobId != null) {
            jobStart = e.jobStartedAt() != null
                    ? e.jobStartedAt()
                    : job.map(j -> j.startedAt()).orElse(null);
            jobEnd = e.jobEndedAt() != null
                    ? e.jobEndedAt()
                    : job.map(j -> j.completedAt()).orElse(null);
        }
        Instant end = e.endedAt().isBefore(e.runnerStartedAt()) ? e.runnerStartedAt() : e.endedAt();
        NodeFacts node = nodes.facts(e.nodeName())
                .orElse(new NodeFacts(e.nodeName(), null, null, null, CapacityType.UNKNOWN, e.requests()));
        RunnerCost cost = CostModel.runnerCost(
                new RunnerUsage(e.requests(), e.runnerStartedAt(), end, jobStart, jobEnd),
                node,
                nodePrices,
                nodePrices.tables().githubHostedUsdPerMinute(githubHostedSizeByPool.get(e.pool())));
        String repository = jobId == null
                ? null
                : job.map(JdbcCostLedger.LedgerJobFacts::repository).orElse(null);
        JdbcCostLedger.RunnerCostRow row = new JdbcCostLedger.RunnerCostRow(
                e.runnerName(),
                jobId,
                e.pool(),
                repository,
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
                recordedAt);
        return new Priced(e, row, cost, repository);
    }

    private void count(Priced p) {
        RunnerEnded e = p.ended();
        RunnerCost cost = p.cost();
        if (p.row().jobId() != null) {
            metrics.jobCost(
                    e.pool(),
                    cost.capacityType().tag(),
                    p.repository(),
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
            log.debug(
                    "runner {} of pool {} cost {} USD (job {})",
                    e.runnerName(),
                    e.pool(),
                    cost.usd(),
                    p.row().jobId());
        }
    }

    /** The job's stored cost, if known yet ({@code GET /api/v1/jobs/{id}}'s {@code cost}). */
    public Optional<JobCost> costOf(long jobId) {
        return ledger.costOf(jobId);
    }
}
