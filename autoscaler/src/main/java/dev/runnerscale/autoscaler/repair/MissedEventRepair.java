package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.github.GitHubJobApi;
import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the ledger when a {@code workflow_job} delivery was missed: a job the ledger still holds as queued or in
 * progress, unchanged for longer than the threshold, is looked up on GitHub (with the credential serving the job's
 * repository) and the answer is merged through the ledger's own rules. Demand that can no longer be real expires: a
 * job GitHub does not know (404), and a job queued longer than GitHub's 24-hour limit (GitHub cancels those; no call
 * is spent on them).
 *
 * <p>Failures by kind: a job whose check GitHub refuses (401, 403, 422, the App not installed on its owner) is set
 * aside for {@code rejected-retry} and the pass goes on with the next job, so that one bad job never comes first in
 * every pass. A rate limit holds only the jobs of that credential: they are skipped without a call until its wait
 * ends (another organisation's installation goes on). An outage (5xx, timeout, open circuit) or our own pace limiter
 * ends the pass: GitHub's health and our pace are one for all jobs. The next pass is the retry. Not thread-safe: one
 * scheduler thread.
 *
 * <p>Queued jobs the stuck-demand detector flagged ({@link JobLedger#stuckJobs}) are looked at first, before the
 * unchanged ones: whether GitHub still holds them as queued is what the alarm needs to know. Like every job, a
 * flagged job found unchanged is not asked again within the threshold.
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
    /**
     * Jobs whose check GitHub refused, until when they are left alone. Bounded like {@link #recentlyChecked}: a pass
     * adds at most {@code batch-size}, and entries leave after {@code rejected-retry}.
     */
    private final Map<Long, Instant> setAside = new HashMap<>();

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
        EXPIRED,
        /** GitHub refused the check (401, 403, 422, App not installed): the job is set aside for a while. */
        REJECTED
    }

    /**
     * What a pass did.
     *
     * @param checked jobs looked at (a call to GitHub, or expired by age without one)
     * @param rejected checks GitHub refused; those jobs are set aside for {@code rejected-retry}
     * @param held jobs skipped without a call because their credential is rate-limited
     * @param interruptedBy empty when the pass ran to its end, else why it stopped early (GitHub unavailable)
     */
    public record RepairPass(
            int checked,
            int corrected,
            int unchanged,
            int expired,
            int rejected,
            int held,
            Optional<String> interruptedBy) {}

    public RepairPass repairOnce() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(settings.threshold());
        recentlyChecked.values().removeIf(checkedAt -> !checkedAt.isAfter(cutoff));
        setAside.values().removeIf(until -> !until.isAfter(now));
        // Jobs the stuck-demand detector flagged come first, whatever their age: an alarm is raised on them, and a
        // missed delivery is the first thing to rule out. Then the jobs unchanged for the threshold, oldest first.
        List<LedgerJob> stuck = ledger.stuckJobs(now, settings.batchSize());
        Set<Long> stuckIds = new HashSet<>();
        List<LedgerJob> candidates = new ArrayList<>(stuck);
        stuck.forEach(j -> stuckIds.add(j.id()));
        for (LedgerJob job :
                ledger.unfinishedSince(cutoff, settings.batchSize() + recentlyChecked.size() + setAside.size())) {
            if (!stuckIds.contains(job.id())) {
                candidates.add(job);
            }
        }
        Tally t = new Tally();
        for (LedgerJob job : candidates) {
            if (t.checked >= settings.batchSize()) {
                break;
            }
            if (recentlyChecked.containsKey(job.id()) || setAside.containsKey(job.id())) {
                continue;
            }
            if (queuedBeyondGitHubsLimit(job, now)) {
                t.checked++;
                if (ledger.expire(job.id(), now)) {
                    t.expired++;
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
            if (jobs.heldUntil(job.owner(), job.repository()).isPresent()) {
                // Its credential is rate-limited: skipped without a call, checked by a pass after the wait.
                t.held++;
                continue;
            }
            Optional<JobObservation> observed;
            try {
                observed = jobs.fetchJob(job.owner(), job.repository(), job.id());
            } catch (GitHubRejectedException e) {
                t.checked++;
                t.rejected++;
                count(RepairOutcome.REJECTED);
                setAside.put(job.id(), now.plus(settings.rejectedRetry()));
                log.warn(
                        "GitHub refused the check of job {} of {}/{} ({}); set aside until {}: {}",
                        job.id(),
                        job.owner(),
                        job.repository(),
                        e.reason().slug(),
                        now.plus(settings.rejectedRetry()),
                        e.getMessage());
                continue;
            } catch (GitHubRateLimitedException e) {
                if (e.credential().isPresent()) {
                    // Only this credential waits; its other jobs are skipped through heldUntil above.
                    t.held++;
                    continue;
                }
                return t.interrupted("rate limited until " + e.retryAt());
            } catch (GitHubUnavailableException e) {
                return t.interrupted(e.getMessage());
            }
            t.checked++;
            if (observed.isEmpty()) {
                if (ledger.expire(job.id(), now)) {
                    t.expired++;
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
                t.corrected++;
                count(RepairOutcome.CORRECTED);
                log.info(
                        "repaired job {} of {}/{}: {} -> {} (a delivery was missed)",
                        job.id(),
                        job.owner(),
                        job.repository(),
                        job.status().wire(),
                        after.get().status().wire());
            } else {
                t.unchanged++;
                count(RepairOutcome.UNCHANGED);
                recentlyChecked.put(job.id(), now);
                if (stuckIds.contains(job.id())) {
                    log.info(
                            "stuck job {} of {}/{} is {} on GitHub too: no delivery was missed",
                            job.id(),
                            job.owner(),
                            job.repository(),
                            job.status().wire());
                }
            }
        }
        if (t.held > 0) {
            log.info("missed-event repair: {} jobs held while their GitHub credential is rate-limited", t.held);
        }
        return t.pass(Optional.empty());
    }

    private static final class Tally {
        int checked;
        int corrected;
        int unchanged;
        int expired;
        int rejected;
        int held;

        RepairPass pass(Optional<String> interruptedBy) {
            return new RepairPass(checked, corrected, unchanged, expired, rejected, held, interruptedBy);
        }

        RepairPass interrupted(String why) {
            log.warn("missed-event repair pass stopped early, next pass retries: {}", why);
            return pass(Optional.of(why));
        }
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
