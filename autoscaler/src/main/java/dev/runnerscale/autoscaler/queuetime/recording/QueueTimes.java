package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.StageStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The timelines as the operator API shows them, read from the ledger: the same answer on every replica, whichever one
 * recorded them, and nothing held in memory.
 */
public class QueueTimes {

    private static final int STUCK_SHOWN = 50;

    private final JdbcQueueTimes ledger;
    private final QueueTimeProperties properties;
    private final Clock clock;

    public QueueTimes(JdbcQueueTimes ledger, QueueTimeProperties properties, Clock clock) {
        this.ledger = ledger;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A job's timeline and what became of it.
     *
     * @param recordedAt when its stages were linked to its runner pod and counted (null: not yet, or never)
     * @param stuckReason the stuck-demand detector's verdict, when it flagged the job (it stays after the job left the
     *     queue, as history)
     */
    public record JobQueueTime(JobTimeline timeline, Instant recordedAt, String stuckReason, Instant stuckAt) {}

    /** A queued job the detector flagged. */
    public record StuckJob(
            long id, String owner, String repository, String reason, Instant flaggedAt, Instant queuedSince) {}

    /**
     * A pool's recent queue time: percentiles over its jobs completed within {@code window} (at most
     * {@code statistics-jobs} of them, the most recent), and its queued jobs the detector flagged.
     */
    public record PoolQueueTime(Duration window, StageStatistics statistics, List<StuckJob> stuckJobs) {}

    public Optional<JobQueueTime> job(long jobId) {
        return ledger.find(jobId)
                .map(j -> new JobQueueTime(
                        JobTimeline.of(j.facts()), j.timelineRecordedAt(), j.stuckReason(), j.stuckAt()));
    }

    public PoolQueueTime pool(String pool) {
        Instant since = clock.instant().minus(properties.statisticsWindow());
        List<JobTimeline> recent = ledger.recentlyCompleted(pool, since, properties.statisticsJobs()).stream()
                .map(j -> JobTimeline.of(j.facts()))
                .toList();
        List<StuckJob> stuck = ledger.flaggedQueued(pool, STUCK_SHOWN).stream()
                .map(j ->
                        new StuckJob(j.id(), j.owner(), j.repository(), j.stuckReason(), j.stuckAt(), j.queuedSince()))
                .toList();
        return new PoolQueueTime(properties.statisticsWindow(), StageStatistics.of(recent), stuck);
    }
}
