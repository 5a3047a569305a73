package dev.runnerscale.autoscaler.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * {@code runnerscale_jobs_queued{pool}} (and its waiting / in-progress siblings) from an in-memory snapshot of the
 * ledger's counts. A scrape never queries the database; the snapshot is re-read shortly after a change here, and at
 * least every {@value #MAX_AGE_SECONDS} seconds for changes written by other replicas.
 */
@Component
class PoolDemandGauges implements SchedulingConfigurer {

    private static final long MAX_AGE_SECONDS = 15;

    private final JobLedger ledger;
    private final Duration refresh;
    private final Clock clock;
    private final AtomicReference<Map<String, PoolJobCounts>> snapshot = new AtomicReference<>(Map.of());
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private volatile Instant lastRead = Instant.EPOCH;

    PoolDemandGauges(JobLedger ledger, LedgerProperties properties, MeterRegistry registry, PoolNames pools) {
        this.ledger = ledger;
        this.refresh = properties.gaugeRefresh();
        this.clock = Clock.systemUTC();
        for (String pool : pools.names()) {
            gauge(
                    registry,
                    "runnerscale_jobs_queued",
                    "Jobs queued for a runner of the pool",
                    pool,
                    PoolJobCounts::queued);
            gauge(
                    registry,
                    "runnerscale_jobs_waiting",
                    "Jobs waiting for an approval (not demand yet)",
                    pool,
                    PoolJobCounts::waiting);
            gauge(
                    registry,
                    "runnerscale_jobs_in_progress",
                    "Jobs running on a runner of the pool",
                    pool,
                    PoolJobCounts::inProgress);
        }
    }

    private void gauge(
            MeterRegistry registry, String name, String description, String pool, ToLongFunction<PoolJobCounts> value) {
        Gauge.builder(name, snapshot, s -> value.applyAsLong(s.get().getOrDefault(pool, PoolJobCounts.empty(pool))))
                .description(description)
                .tag("pool", pool)
                .register(registry);
    }

    @EventListener
    void onChange(JobLedgerChanged change) {
        dirty.set(true);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::refreshIfDue, refresh);
    }

    void refreshIfDue() {
        Instant now = clock.instant();
        if (dirty.getAndSet(false) || now.isAfter(lastRead.plusSeconds(MAX_AGE_SECONDS))) {
            lastRead = now;
            snapshot.set(ledger.countsByPool());
        }
    }
}
