package dev.runnerscale.autoscaler.jobs;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The scheduled retention purge: jobs of our pools are kept long (reports compare a year), jobs of no pool and
 * refused jobs briefly, delivery ids past GitHub's redelivery window. Idempotent, so every replica may run it.
 */
@Component
class LedgerRetention implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(LedgerRetention.class);

    private final JdbcJobLedger ledger;
    private final LedgerProperties properties;
    private final Clock clock;

    LedgerRetention(JdbcJobLedger ledger, LedgerProperties properties) {
        this.ledger = ledger;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addCronTask(this::purge, properties.purgeCron());
    }

    void purge() {
        Instant now = clock.instant();
        int[] deleted = ledger.purge(
                now.minus(properties.matchedRetention()),
                now.minus(properties.unmatchedRetention()),
                now.minus(properties.deliveryRetention()));
        log.info("ledger retention purge deleted {} jobs and {} delivery ids", deleted[0], deleted[1]);
    }
}
