package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.github.GitHubJobApi;
import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the ledger when a {@code workflow_job} delivery was missed: a job the ledger still holds as queued or in
 * progress, unchanged for longer than the threshold, is looked up on GitHub and the answer is merged through the
 * ledger's own rules. Demand that can no longer be real expires: a job GitHub does not know (404), and a job queued
 * longer than GitHub's 24-hour limit (GitHub cancels those; no call is spent on them). A pass stops at the first
 * rate limit or outage: the next pass, after GitHub's wait, is the retry. Not thread-safe: one scheduler thread.
 */
public final class MissedEventRepair {

    private static final Logger log = LoggerFactory.getLogger(MissedEventRepair.class);

    private final JobLedger ledger;
    private final GitHubJobApi jobs;
    private final GitHubProperties.Repair settings;
    private final Clock clock;
    private final Map<RepairOutcome, Counter> outcomes = new EnumMap<>(RepairOutcome.class);
    /**
     * Jobs checked recently and found unchanged, so that jobs legitimately queued for long (waiting for capacity)
     * do not take every pass's batch. Bounded: entries older than the threshold are dropped each pass, and a pass
     * adds at most {@code batch-size}.
     */
    private final Map<Long, Instant> recentlyChecked = new HashMap<>();

    public MissedEventRepair(
            JobLedger ledger,
            GitHubJobApi jobs,
            GitHubProperties.Repair settings,
            Clock clock,
            MeterRegistry registry) {
        this.ledger = ledger;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
        for (RepairOutcome outcome : RepairOutcome.values()) {
            outcomes.put(
                    outcome,
                    Counter.builder("runnerscale.ledger.repairs")
                            .description("Ledger jobs checked against GitHub for missed deliveries, by outcome")
                            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
    }

    /** What a pass did to the jobs it looked at. */
    public enum RepairOutcome {
        /** GitHub's answer moved the job forward (e.g. a missed {@code completed}). */
        CORRECTED,
        /** GitHub agrees with the ledger. */
        UNCHANGED,
        /** Demand that can no longer be real was ended. */
        EXPIRED
    }

    /** @param interruptedBy empty when the pass ran to its end, else why it stopped early */
    public record RepairPass(int checked, int corrected, int unchanged, int expired, Optional<String> interruptedBy) {}

    public RepairPass repairOnce() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(settings.threshold());
        recentlyChecked.values().removeIf(checkedAt -> !checkedAt.isAfter(cutoff));
        List<LedgerJob> candidates = ledger.unfinishedSince(cutoff, settings.batchSize() + recentlyChecked.size());
        int checked = 0;
        int corrected = 0;
        int unchanged = 0;
        int expired = 0;
        for (LedgerJob job : candidates) {
            if (checked >= settings.batchSize()) {
                break;
            }
            if (recentlyChecked.containsKey(job.id())) {
                continue;
            }
            checked++;
            if (queuedBeyondGitHubsLimit(job, now)) {
                if (ledger.expire(job.id(), now)) {
                    expired++;
                    count(RepairOutcome.EXPIRED);
                    log.info(
                            "expired job {} of {}/{}: queued since {}, beyond GitHub's limit",
                            job.id(),
                            job.owner(),
                            job.repository(),
                            queuedSince(job));
                }
                continue;
            }
            Optional<JobObservation> observed;
            try {
                observed = jobs.fetchJob(job.owner(), job.repository(), job.id());
            } catch (GitHubRateLimitedException e) {
                return interrupted(checked - 1, corrected, unchanged, expired, "rate limited until " + e.retryAt());
            } catch (GitHubUnavailableException e) {
                return interrupted(checked - 1, corrected, unchanged, expired, e.getMessage());
            }
            if (observed.isEmpty()) {
                if (ledger.expire(job.id(), now)) {
                    expired++;
                    count(RepairOutcome.EXPIRED);
                    log.info(
                            "expired job {} of {}/{}: GitHub does not know it",
                            job.id(),
                            job.owner(),
                            job.repository());
                }
                continue;
            }
            Optional<LedgerJob> after = ledger.correct(observed.get());
            if (after.isPresent() && after.get().status() != job.status()) {
                corrected++;
                count(RepairOutcome.CORRECTED);
                log.info(
                        "repaired job {} of {}/{}: {} -> {} (a delivery was missed)",
                        job.id(),
                        job.owner(),
                        job.repository(),
                        job.status().wire(),
                        after.get().status().wire());
            } else {
                unchanged++;
                count(RepairOutcome.UNCHANGED);
                recentlyChecked.put(job.id(), now);
            }
        }
        return new RepairPass(checked, corrected, unchanged, expired, Optional.empty());
    }

    private RepairPass interrupted(int checked, int corrected, int unchanged, int expired, String why) {
        log.warn("missed-event repair pass stopped early, next pass retries: {}", why);
        return new RepairPass(checked, corrected, unchanged, expired, Optional.of(why));
    }

    private boolean queuedBeyondGitHubsLimit(LedgerJob job, Instant now) {
        return job.status() == JobStatus.QUEUED && queuedSince(job).isBefore(now.minus(settings.queuedLimit()));
    }

    private static Instant queuedSince(LedgerJob job) {
        return job.queuedAt() != null ? job.queuedAt() : job.firstReceivedAt();
    }

    private void count(RepairOutcome outcome) {
        outcomes.get(outcome).increment();
    }
}
