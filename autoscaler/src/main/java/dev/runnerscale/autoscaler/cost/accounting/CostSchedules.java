package dev.runnerscale.autoscaler.cost.accounting;

import dev.runnerscale.autoscaler.aws.SpotPriceRefresher;
import dev.runnerscale.autoscaler.cost.RepositoryLabels;
import dev.runnerscale.autoscaler.interruptions.Interruptions;
import dev.runnerscale.autoscaler.leader.Leadership;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The cost stream's background work on one daemon thread: spot price refresh, the idle meter (leader only), budget
 * gauges, the re-run sweep (every replica: the claim is atomic) and the repository series' membership (seeded from
 * the ledger at start and each month). A failing task is logged and runs again next time.
 */
public class CostSchedules implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CostSchedules.class);

    private final CostProperties properties;
    private final KubernetesNodes nodes;
    private final SpotPriceRefresher refresher;
    private final IdleCostMeter idle;
    private final BudgetGauges budgets;
    private final Interruptions interruptions;
    private final JdbcCostLedger ledger;
    private final CostMetrics metrics;
    private final Leadership leadership;
    private final Clock clock;
    private ScheduledExecutorService executor;
    private volatile YearMonth membershipMonth;

    public CostSchedules(
            CostProperties properties,
            KubernetesNodes nodes,
            SpotPriceRefresher refresher,
            IdleCostMeter idle,
            BudgetGauges budgets,
            Interruptions interruptions,
            JdbcCostLedger ledger,
            CostMetrics metrics,
            Leadership leadership,
            Clock clock) {
        this.properties = properties;
        this.nodes = nodes;
        this.refresher = refresher;
        this.idle = idle;
        this.budgets = budgets;
        this.interruptions = interruptions;
        this.ledger = ledger;
        this.metrics = metrics;
        this.leadership = leadership;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runnerscale-cost");
            t.setDaemon(true);
            return t;
        });
        if (refresher != null) {
            // a spot node of a new type or zone gets its prices at once, not at the next scheduled refresh: a runner
            // that ends there meanwhile would be priced as unknown for good
            ScheduledExecutorService current = executor;
            nodes.onNodeAdded(() -> {
                if (current.isShutdown()) {
                    return;
                }
                try {
                    current.execute(() -> {
                        try {
                            refresher.refreshIfNew();
                        } catch (RuntimeException e) {
                            log.warn("spot price refresh for a new node failed: {}", e.toString());
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // stopping
                }
            });
        }
        nodes.start();
        every(Duration.ofMinutes(10), "repository membership", this::rotateRepositories);
        if (refresher != null) {
            every(properties.spotPriceRefresh(), "spot price refresh", refresher::refresh);
        }
        every(properties.idleMeterInterval(), "idle meter", () -> {
            if (leadership == null || leadership.isLeader()) {
                idle.meterLastPeriod();
            }
        });
        every(properties.budgetRefresh(), "budget gauges", budgets::refresh);
        every(properties.rerunSweepInterval(), "re-run sweep", () -> interruptions.sweepReruns(100));
    }

    private void every(Duration period, String name, Runnable task) {
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn("cost task '{}' failed, runs again in {}: {}", name, period, e.toString());
                    }
                },
                0,
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Seeds the repository series with last 30 days' top spenders, at start and when a month begins. */
    void rotateRepositories() {
        YearMonth month = YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        if (month.equals(membershipMonth)) {
            return;
        }
        var now = clock.instant();
        metrics.replaceRepositories(new RepositoryLabels(
                properties.topRepositories(),
                ledger.topRepositories(now.minus(Duration.ofDays(30)), now, properties.topRepositories())));
        membershipMonth = month;
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        nodes.close();
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
