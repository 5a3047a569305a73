package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.Money;
import dev.runnerscale.autoscaler.cost.RepositoryLabels;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The cost counters. Each series sums {@link BigDecimal}s exactly; the registry reads the sum as a double only when
 * it is scraped, so no floating point ever accumulates money. Tags are bounded: pool (configured), capacity type
 * (3 values), repository (top N, see {@link RepositoryLabels}).
 */
public class CostMetrics {

    /** An exact, monotonic USD sum exported as a counter. */
    static final class UsdSum {
        private BigDecimal total = Money.ZERO;

        synchronized void add(BigDecimal usd) {
            total = total.add(usd);
        }

        synchronized BigDecimal total() {
            return total;
        }

        double value() {
            return total().doubleValue();
        }
    }

    private final MeterRegistry registry;
    private final Map<List<String>, UsdSum> sums = new ConcurrentHashMap<>();
    private final Map<String, Meter> repositoryMeters = new ConcurrentHashMap<>();
    private volatile RepositoryLabels repositories;

    public CostMetrics(MeterRegistry registry, RepositoryLabels repositories) {
        this.registry = registry;
        this.repositories = repositories;
    }

    private UsdSum sum(String name, String description, String... tags) {
        List<String> key = new java.util.ArrayList<>(List.of(tags));
        key.add(0, name);
        return sums.computeIfAbsent(List.copyOf(key), k -> {
            UsdSum s = new UsdSum();
            Meter m = FunctionCounter.builder(name, s, UsdSum::value)
                    .description(description)
                    .baseUnit("usd")
                    .tags(tags)
                    .register(registry);
            if (name.equals("runnerscale_repository_cost_usd")) {
                repositoryMeters.put(tags[1], m);
            }
            return s;
        });
    }

    /** A job's runner cost was stored: cost by pool and capacity type, comparisons, and cost by repository. */
    void jobCost(
            String pool,
            String capacityType,
            String repository,
            BigDecimal usd,
            BigDecimal onDemand,
            BigDecimal githubHosted) {
        if (usd != null) {
            sum("runnerscale_cost_usd", "What jobs' runners cost", "pool", pool, "capacity_type", capacityType)
                    .add(usd);
            sum(
                            "runnerscale_repository_cost_usd",
                            "What jobs' runners cost, by repository (top N, the rest as other)",
                            "repository",
                            repositories.label(repository))
                    .add(usd);
        }
        if (onDemand != null) {
            sum("runnerscale_on_demand_equivalent_usd", "What the same runners would have cost on demand", "pool", pool)
                    .add(onDemand);
        }
        if (githubHosted != null) {
            sum(
                            "runnerscale_github_hosted_equivalent_usd",
                            "What the same jobs would have cost on GitHub-hosted runners of the pool's size",
                            "pool",
                            pool)
                    .add(githubHosted);
        }
    }

    /** Idle cost: unrequested node capacity, and runners that ended without running a job. */
    void idle(String pool, BigDecimal usd) {
        sum("runnerscale_idle_cost_usd", "Runner node capacity no job used", "pool", pool)
                .add(usd);
    }

    /** Registers the pool's counters at zero, so a dashboard shows 0 rather than no data. */
    public void registerPool(String pool) {
        for (CapacityType type : CapacityType.values()) {
            sum("runnerscale_cost_usd", "What jobs' runners cost", "pool", pool, "capacity_type", type.tag());
        }
        sum(
                "runnerscale_repository_cost_usd",
                "What jobs' runners cost, by repository (top N, the rest as other)",
                "repository",
                RepositoryLabels.OTHER);
        sum("runnerscale_idle_cost_usd", "Runner node capacity no job used", "pool", pool);
        sum("runnerscale_on_demand_equivalent_usd", "What the same runners would have cost on demand", "pool", pool);
        sum(
                "runnerscale_github_hosted_equivalent_usd",
                "What the same jobs would have cost on GitHub-hosted runners of the pool's size",
                "pool",
                pool);
    }

    /** {@code runnerscale_budget_used_ratio{pool}}: month-to-date spend over the monthly budget. */
    void budgetGauge(String pool, Supplier<Double> ratio) {
        Gauge.builder("runnerscale_budget_used_ratio", ratio, Supplier::get)
                .description("Month-to-date spend of the pool over its monthly budget")
                .tag("pool", pool)
                // the supplier is referenced by nothing else: held weakly (the default), it is collected and the
                // gauge reads NaN
                .strongReference(true)
                .register(registry);
    }

    /**
     * New membership for the repository series (at a month's start): series of repositories that left are removed;
     * members keep theirs.
     */
    void replaceRepositories(RepositoryLabels next) {
        Set<String> keep = next.members();
        this.repositories = next;
        repositoryMeters.forEach((repository, meter) -> {
            if (!keep.contains(repository) && !repository.equals(RepositoryLabels.OTHER)) {
                registry.remove(meter);
                repositoryMeters.remove(repository);
                sums.remove(List.of("runnerscale_repository_cost_usd", "repository", repository));
            }
        });
    }

    /** The exact total of a series (tests compare it with the ledger). */
    BigDecimal total(String name, String... tags) {
        List<String> key = new java.util.ArrayList<>(List.of(tags));
        key.add(0, name);
        UsdSum s = sums.get(List.copyOf(key));
        return s == null ? Money.ZERO : s.total();
    }
}
