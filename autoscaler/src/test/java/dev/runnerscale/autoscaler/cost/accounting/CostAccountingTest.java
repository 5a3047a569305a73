package dev.runnerscale.autoscaler.cost.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.cost.CapacityType;
import dev.runnerscale.autoscaler.cost.NodeFacts;
import dev.runnerscale.autoscaler.cost.PricePoint;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runner costs stored exactly once per runner and job, counters that agree with the rows, idle metering, budgets. */
class CostAccountingTest {

    private static final long GIB = 1L << 30;
    private static final Instant T10 = Instant.parse("2026-03-02T10:00:00Z");

    private static Instant at(String hhmm) {
        return Instant.parse("2026-03-02T" + hhmm + ":00Z");
    }

    private final CostDatabase db = new CostDatabase();
    private final MutableClock clock = new MutableClock(at("12:00"));
    private final PoolsProperties pools =
            new PoolsProperties(List.of(pool("spot", "linux-4-core", "10"), pool("big", "linux-2-core", "0")));
    private final FixedNodes nodes = new FixedNodes()
            .add(
                    new NodeFacts(
                            "od-1",
                            "m5.large",
                            "us-east-1a",
                            "use1-az4",
                            CapacityType.ON_DEMAND,
                            new Requests(2000, 8 * GIB)),
                    null,
                    T10.minus(Duration.ofHours(1)))
            .add(
                    new NodeFacts(
                            "spot-1",
                            "c5.xlarge",
                            "us-east-1a",
                            "use1-az4",
                            CapacityType.SPOT,
                            new Requests(4000, 8 * GIB)),
                    "spot",
                    T10.minus(Duration.ofHours(1)));
    private final PriceService prices = new PriceService(CostConfiguration.priceTables(properties()));
    private final JdbcCostLedger ledger = new JdbcCostLedger(db.jdbc);

    private static PoolsProperties.Pool pool(String name, String size, String budget) {
        return TestPools.pool(
                "name",
                name,
                "labels",
                "self-hosted," + name,
                "github.owner",
                "acme",
                "namespace",
                "runners",
                "budget.monthly-usd",
                budget,
                "github-hosted-size",
                size);
    }

    private static CostProperties properties() {
        return new CostProperties(
                true,
                CostProperties.SpotPriceSourceKind.NONE,
                Duration.ofMinutes(5),
                Duration.ofDays(1),
                Duration.ofDays(2),
                Duration.ofMinutes(1),
                2,
                Duration.ofMinutes(1),
                Duration.ofSeconds(15),
                Map.of(),
                Map.of());
    }

    private CostMetrics metrics(SimpleMeterRegistry registry) {
        return new CostMetrics(registry, new dev.runnerscale.autoscaler.cost.RepositoryLabels(2, List.of()));
    }

    private CostAccountant accountant(CostMetrics metrics) {
        return new CostAccountant(ledger, prices, nodes, metrics, pools, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private RunnerEnded ended(String runner, Long jobId, String node, Instant start, Instant end) {
        return new RunnerEnded(
                "spot", "spot-0", runner, jobId, node, new Requests(1000, 2 * GIB), start, end, null, null);
    }

    @Test
    void aJobIsPricedOnceFromTheLedgerEvenWhenReportedByManyThreadsOfTwoReplicas() throws Exception {
        db.job(101, "acme", "api", "CI", "spot", 3, "success", at("10:30"), at("10:50"), "rs-spot-0-aaaaa");
        SimpleMeterRegistry r1 = new SimpleMeterRegistry();
        SimpleMeterRegistry r2 = new SimpleMeterRegistry();
        CostMetrics m1 = metrics(r1);
        CostMetrics m2 = metrics(r2);
        CostAccountant replica1 = accountant(m1);
        CostAccountant replica2 = accountant(m2);
        // the reconciler knows only the runner's name; the job and its times come from the ledger
        RunnerEnded e = ended("rs-spot-0-aaaaa", null, "od-1", T10, at("11:30"));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> stored = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            CostAccountant a = i % 2 == 0 ? replica1 : replica2;
            stored.add(pool.submit((Callable<Boolean>) () -> a.runnerEnded(e).isPresent()));
        }
        long storedCount = 0;
        for (Future<Boolean> f : stored) {
            storedCount += f.get() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(storedCount).isEqualTo(1);
        assertThat(db.jdbc.queryForObject("SELECT count(*) FROM runner_costs", Long.class))
                .isEqualTo(1);
        // 0.096 × 1.5 h × 40085 / 97118 = 0.059435 (CostModelTest), running 10:30–10:50 = 0.013208
        BigDecimal both = m1.total("runnerscale_cost_usd", "pool", "spot", "capacity_type", "on_demand")
                .add(m2.total("runnerscale_cost_usd", "pool", "spot", "capacity_type", "on_demand"));
        assertThat(both).isEqualByComparingTo("0.059435");
        JobCost cost = replica1.costOf(101).orElseThrow();
        assertThat(cost.usd()).isEqualTo("0.059435");
        assertThat(cost.runningUsd()).isEqualTo("0.013208");
        assertThat(cost.waitingUsd()).isEqualTo("0.046227");
        assertThat(cost.githubHostedUsd()).isEqualTo("0.240000"); // 20 min × 0.012 (linux-4-core)
        assertThat(cost.capacityType()).isEqualTo("on_demand");
        assertThat(cost.runnerSeconds()).isEqualTo(5400);
        assertThat(cost.jobSeconds()).isEqualTo(1200);
        assertThat(db.jdbc.queryForObject("SELECT repository FROM runner_costs", String.class))
                .isEqualTo("acme/api");
    }

    @Test
    void anUnknownSpotPriceIsStoredAsUnknownAndCountedNowhere() {
        db.job(102, "acme", "api", "CI", "spot", 3, "failure", at("10:05"), null, "rs-spot-1-bbbbb");
        CostMetrics m = metrics(new SimpleMeterRegistry());
        assertThat(accountant(m).runnerEnded(ended("rs-spot-1-bbbbb", 102L, "spot-1", T10, at("10:20"))))
                .hasValueSatisfying(c -> assertThat(c.known()).isFalse());
        JobCost cost = ledger.costOf(102).orElseThrow();
        assertThat(cost.usd()).isNull();
        assertThat(cost.onDemandUsd())
                .isEqualTo("0.014167"); // ¼ of 0.17 for 20 min (0.17 × ¼ × ⅓ h): the comparison is known
        assertThat(m.total("runnerscale_cost_usd", "pool", "spot", "capacity_type", "spot"))
                .isZero();

        // once EC2's history has the price, the next runner in that zone is priced (½ × 0.07 × ⅓ h = 0.011667)
        prices.addSpotPoints(
                List.of(new PricePoint("c5.xlarge", "use1-az4", at("09:00"), new BigDecimal("0.07"))), at("00:00"));
        db.job(103, "acme", "web", "CI", "spot", 3, "success", at("10:05"), at("10:20"), "rs-spot-2-ccccc");
        RunnerEnded half = new RunnerEnded(
                "spot",
                "spot-2",
                "rs-spot-2-ccccc",
                103L,
                "spot-1",
                new Requests(2000, 4 * GIB),
                T10,
                at("10:20"),
                null,
                null);
        assertThat(accountant(m).runnerEnded(half).orElseThrow().usd()).isEqualByComparingTo("0.011667");
        assertThat(m.total("runnerscale_cost_usd", "pool", "spot", "capacity_type", "spot"))
                .isEqualByComparingTo("0.011667");
    }

    @Test
    void aRunnerThatRanNoJobIsIdleCostAndAnUnscheduledPodCostsNothing() {
        CostMetrics m = metrics(new SimpleMeterRegistry());
        CostAccountant accountant = accountant(m);
        accountant.runnerEnded(ended("rs-spot-3-ddddd", null, "od-1", T10, at("11:00")));
        // 0.096 × 40085 / 97118 = 0.039624
        assertThat(m.total("runnerscale_idle_cost_usd", "pool", "spot")).isEqualByComparingTo("0.039624");
        assertThat(ledger.idle(at("00:00"), at("23:59"))).isEqualByComparingTo("0.039624");
        assertThat(accountant.runnerEnded(ended("rs-spot-4-eeeee", null, null, T10, at("11:00"))))
                .isEmpty();
    }

    @Test
    void idleNodesAreMeteredOncePerPeriodAndPool() {
        CostMetrics m = metrics(new SimpleMeterRegistry());
        nodes.pods.put("od-1", List.of(new RunnerPodsOnNodes.PodOnNode("big", "big-0", new Requests(1000, 2 * GIB))));
        IdleCostMeter meter = new IdleCostMeter(nodes, nodes, prices, ledger, m, pools, Duration.ofMinutes(1), clock);
        clock.set(at("11:00").plusSeconds(30));
        // od-1 (pool big by its pods): 0.096 × 57033/97118 / 60 = 0.000939604 → 0.000940;
        // spot-1 has no known spot price: skipped, not zero
        assertThat(meter.meterLastPeriod()).isEqualTo(1);
        assertThat(meter.meterLastPeriod()).isZero(); // the same period again: nothing
        assertThat(m.total("runnerscale_idle_cost_usd", "pool", "big")).isEqualByComparingTo("0.000940");
        // the pods leave: the node stays the pool's and is all idle: 0.096 / 60 = 0.0016
        nodes.pods.clear();
        clock.advance(Duration.ofMinutes(1));
        meter.meterLastPeriod();
        assertThat(m.total("runnerscale_idle_cost_usd", "pool", "big")).isEqualByComparingTo("0.002540");
        assertThat(ledger.idle(at("00:00"), at("23:59"))).isEqualByComparingTo("0.002540");
    }

    @Test
    void theBudgetGaugeIsMonthToDateSpendOverTheBudgetAndAbsentWithoutOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CostMetrics m = metrics(registry);
        db.job(104, "acme", "api", "CI", "spot", 3, "success", at("10:30"), at("10:50"), "rs-spot-5-fffff");
        accountant(m).runnerEnded(ended("rs-spot-5-fffff", 104L, "od-1", T10, at("11:30")));
        BudgetGauges budgets = new BudgetGauges(ledger, pools, m, clock);
        budgets.refresh();
        // the gauge must hold what it reads strongly: Micrometer holds a gauge's object weakly by default, and a
        // collected one reads NaN (seen on the local default's scrape)
        System.gc();
        // 0.059435 of 10 USD
        assertThat(registry.get("runnerscale_budget_used_ratio")
                        .tag("pool", "spot")
                        .gauge()
                        .value())
                .isCloseTo(0.0059435, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(registry.find("runnerscale_budget_used_ratio")
                        .tag("pool", "big")
                        .gauge())
                .isNull();
    }

    @Test
    void repositorySeriesAreBoundedAndAlwaysAddUpToTheTotal() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CostMetrics m = metrics(registry); // top 2
        String[] repos = {"api", "web", "docs", "api", "tools"};
        for (int i = 0; i < repos.length; i++) {
            long id = 200 + i;
            db.job(id, "acme", repos[i], "CI", "spot", 3, "success", at("10:30"), at("10:50"), "r-" + id);
            accountant(m).runnerEnded(ended("r-" + id, id, "od-1", T10, at("11:30")));
        }
        assertThat(registry.find("runnerscale_repository_cost_usd").functionCounters())
                .extracting(c -> c.getId().getTag("repository"))
                .containsExactlyInAnyOrder("acme/api", "acme/web", "other");
        double sum = registry.find("runnerscale_repository_cost_usd").functionCounters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        BigDecimal total = m.total("runnerscale_cost_usd", "pool", "spot", "capacity_type", "on_demand");
        assertThat(total).isEqualByComparingTo("0.297175"); // 5 × 0.059435
        assertThat(sum).isCloseTo(total.doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
        // a new month's membership from the ledger's top spenders: api (2 jobs) then the first of the rest
        m.replaceRepositories(new dev.runnerscale.autoscaler.cost.RepositoryLabels(
                2, ledger.topRepositories(at("00:00"), at("23:59"), 2)));
        assertThat(registry.find("runnerscale_repository_cost_usd").functionCounters())
                .extracting(c -> c.getId().getTag("repository"))
                .contains("acme/api", "other")
                .hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void theCountersAreScrapedUnderTheContractsNames() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        CostMetrics m = new CostMetrics(prometheus, new dev.runnerscale.autoscaler.cost.RepositoryLabels(2, List.of()));
        m.registerPool("spot");
        db.job(301, "acme", "api", "CI", "spot", 3, "success", at("10:30"), at("10:50"), "r-301");
        accountant(m).runnerEnded(ended("r-301", 301L, "od-1", T10, at("11:30")));
        new BudgetGauges(ledger, pools, m, clock).refresh();
        assertThat(prometheus.scrape())
                .contains(
                        "runnerscale_cost_usd_total{capacity_type=\"on_demand\",pool=\"spot\"} 0.059435",
                        "runnerscale_idle_cost_usd_total{pool=\"spot\"} 0.0",
                        "runnerscale_on_demand_equivalent_usd_total{pool=\"spot\"}",
                        "runnerscale_github_hosted_equivalent_usd_total{pool=\"spot\"} 0.24",
                        "runnerscale_repository_cost_usd_total{repository=\"acme/api\"} 0.059435",
                        "runnerscale_budget_used_ratio{pool=\"spot\"}");
    }
}
