package dev.runnerscale.autoscaler.jobs;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.validation.annotation.Validated;

/**
 * The job ledger ({@code runnerscale.ledger.*}).
 *
 * @param matchedRetention how long jobs of our pools are kept (a year and a bit, so finance can compare years)
 * @param unmatchedRetention how long jobs of no pool, and refused jobs, are kept
 * @param deliveryRetention how long delivery ids are kept for de-duplication (GitHub redelivers up to 3 days back)
 * @param purgeCron when the retention purge runs (Spring cron, server time zone)
 * @param queueCapacity deliveries waiting for the writer; when full, intake answers 503
 * @param maxBatchSize deliveries committed in one transaction at most
 * @param writers threads committing batches; two let one batch's SQL overlap the other's WAL flush
 * @param gaugeRefresh how often the per-pool gauges are re-read after a change
 * @param commitDelay while deliveries arrive closer together than this, how long a writer waits for more before it
 *     commits (0: never); fewer, larger transactions, as PostgreSQL's {@code commit_delay} does for WAL flushes
 */
@Validated
@ConfigurationProperties("runnerscale.ledger")
public record LedgerProperties(
        @DefaultValue("400d") @NotNull Duration matchedRetention,
        @DefaultValue("7d") @NotNull Duration unmatchedRetention,
        @DefaultValue("7d") @NotNull Duration deliveryRetention,
        @DefaultValue("0 17 3 * * *") @NotNull String purgeCron,
        @DefaultValue("8192") @Min(1) int queueCapacity,
        @DefaultValue("256") @Min(1) @Max(10000) int maxBatchSize,
        @DefaultValue("2") @Min(1) @Max(16) int writers,
        @DefaultValue("1s") @NotNull Duration gaugeRefresh,
        @DefaultValue("2ms") @NotNull Duration commitDelay) {

    @AssertTrue(message = "runnerscale.ledger.purge-cron must be a valid Spring cron expression")
    public boolean isPurgeCronValid() {
        return purgeCron != null && CronExpression.isValidExpression(purgeCron);
    }

    @AssertTrue(message = "retention periods and gauge-refresh must be positive")
    public boolean isEveryPeriodPositive() {
        return positive(matchedRetention)
                && positive(unmatchedRetention)
                && positive(deliveryRetention)
                && positive(gaugeRefresh);
    }

    @AssertTrue(message = "runnerscale.ledger.commit-delay must be between 0 and 50ms")
    public boolean isCommitDelayInRange() {
        return commitDelay == null || (!commitDelay.isNegative() && commitDelay.compareTo(Duration.ofMillis(50)) <= 0);
    }

    private static boolean positive(Duration d) {
        return d == null || (!d.isNegative() && !d.isZero());
    }
}
