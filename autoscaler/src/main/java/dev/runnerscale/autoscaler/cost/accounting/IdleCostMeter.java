package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.CostModel;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Meters the idle cost of runner nodes: on a fixed grid of periods ({@code runnerscale.cost.idle-meter-interval}),
 * each runner node's price × its allocatable units no runner pod requests (sampled at the end of the period) × the
 * period. A node belongs to a pool by its {@code runnerscale.dev/pool} label, else by the pool whose runners it
 * holds (most pods), else by the pool it last held; a node that never held our runners is not ours and is skipped.
 * Rows are keyed by node and period start, so metering a period twice (a restart, another replica) stores nothing.
 */
public class IdleCostMeter {

    private final RunnerNodes nodes;
    private final RunnerPodsOnNodes pods;
    private final PriceService prices;
    private final JdbcCostLedger ledger;
    private final CostMetrics metrics;
    private final Set<String> pools;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, String> lastPoolOfNode = new ConcurrentHashMap<>();

    public IdleCostMeter(
            RunnerNodes nodes,
            RunnerPodsOnNodes pods,
            PriceService prices,
            JdbcCostLedger ledger,
            CostMetrics metrics,
            PoolsProperties pools,
            Duration interval,
            Clock clock) {
        this.nodes = nodes;
        this.pods = pods;
        this.prices = prices;
        this.ledger = ledger;
        this.metrics = metrics;
        this.pools = pools.pools().stream().map(PoolsProperties.Pool::name).collect(Collectors.toSet());
        this.interval = interval;
        this.clock = clock;
    }

    /** Meters the period that ended last; returns how many node periods this call stored. */
    public int meterLastPeriod() {
        long step = interval.toMillis();
        Instant periodEnd = Instant.ofEpochMilli(Math.floorDiv(clock.instant().toEpochMilli(), step) * step);
        Instant periodStart = periodEnd.minusMillis(step);
        Map<String, List<RunnerPodsOnNodes.PodOnNode>> byNode = pods.byNode();
        int stored = 0;
        for (RunnerNodes.RunnerNode node : nodes.current()) {
            String name = node.facts().name();
            List<RunnerPodsOnNodes.PodOnNode> onNode = byNode.getOrDefault(name, List.of());
            Optional<String> pool = poolOf(node, onNode);
            if (pool.isEmpty()) {
                continue;
            }
            lastPoolOfNode.put(name, pool.get());
            Instant start =
                    node.createdAt() != null && node.createdAt().isAfter(periodStart) ? node.createdAt() : periodStart;
            if (!periodEnd.isAfter(start)) {
                continue;
            }
            List<Requests> requests =
                    onNode.stream().map(RunnerPodsOnNodes.PodOnNode::requests).toList();
            Optional<BigDecimal> idle = CostModel.idleCost(node.facts(), requests, prices.prices(), start, periodEnd);
            if (idle.isEmpty()) {
                continue; // unknown price: unknown idle cost, never a zero
            }
            boolean inserted = ledger.insertIdle(
                    name,
                    periodStart,
                    periodEnd,
                    pool.get(),
                    node.facts().instanceType(),
                    node.facts().zone(),
                    node.facts().capacityType().tag(),
                    idle.get());
            if (inserted) {
                metrics.idle(pool.get(), idle.get());
                stored++;
            }
        }
        lastPoolOfNode
                .keySet()
                .retainAll(nodes.current().stream().map(n -> n.facts().name()).collect(Collectors.toSet()));
        return stored;
    }

    private Optional<String> poolOf(RunnerNodes.RunnerNode node, List<RunnerPodsOnNodes.PodOnNode> onNode) {
        if (node.poolLabel() != null && pools.contains(node.poolLabel())) {
            return Optional.of(node.poolLabel());
        }
        Optional<String> byPods = onNode.stream()
                .filter(p -> pools.contains(p.pool()))
                .collect(Collectors.groupingBy(RunnerPodsOnNodes.PodOnNode::pool, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey);
        if (byPods.isPresent()) {
            return byPods;
        }
        return Optional.ofNullable(lastPoolOfNode.get(node.facts().name()));
    }
}
