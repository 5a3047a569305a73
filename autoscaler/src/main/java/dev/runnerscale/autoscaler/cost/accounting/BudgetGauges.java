package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code runnerscale_budget_used_ratio{pool}} for pools with a monthly budget (absent for the others): the pool's
 * month-to-date spend (calendar month, UTC: its runners and its idle nodes) over the budget. Read from the ledger
 * every refresh, never per scrape, so every replica reports the same value.
 */
public class BudgetGauges {

    private final JdbcCostLedger ledger;
    private final Map<String, BigDecimal> budgets;
    private final Map<String, Double> ratios = new ConcurrentHashMap<>();
    private final Clock clock;

    public BudgetGauges(JdbcCostLedger ledger, PoolsProperties pools, CostMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
        Map<String, BigDecimal> b = new java.util.LinkedHashMap<>();
        pools.pools().stream()
                .filter(p -> p.budget().isSet())
                .forEach(p -> b.put(p.name(), p.budget().monthlyUsd()));
        this.budgets = Map.copyOf(b);
        budgets.keySet().forEach(pool -> {
            ratios.put(pool, 0.0);
            metrics.budgetGauge(pool, () -> ratios.getOrDefault(pool, 0.0));
        });
    }

    public void refresh() {
        if (budgets.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant monthStart = JdbcCostLedger.startOf(today.withDayOfMonth(1));
        Map<String, BigDecimal> spend = ledger.spendByPool(monthStart, now.plusMillis(1));
        budgets.forEach((pool, budget) -> ratios.put(
                pool,
                spend.getOrDefault(pool, BigDecimal.ZERO)
                        .divide(budget, MathContext.DECIMAL64)
                        .doubleValue()));
    }

    public Map<String, Double> ratios() {
        return Map.copyOf(ratios);
    }
}
