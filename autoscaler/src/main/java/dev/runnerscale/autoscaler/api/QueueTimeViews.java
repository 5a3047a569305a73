package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.QueueWait;
import dev.runnerscale.autoscaler.queuetime.StageStatistics;
import dev.runnerscale.autoscaler.queuetime.StageTiming;
import dev.runnerscale.autoscaler.queuetime.recording.QueueTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Queue time as the API shows it: durations in seconds (decimal), stages and reasons in their wire words. */
public final class QueueTimeViews {

    private QueueTimeViews() {}

    /**
     * A job's timeline: every stage in order with its instant, its share of the wait ({@code seconds}, null when it
     * has none), its status ({@code origin}, {@code measured}, {@code clamped}, {@code skipped}, {@code unknown},
     * {@code pending}) and why; the queue wait and its two parts; when its stages were recorded; and the
     * stuck-demand detector's verdict, if it flagged the job.
     */
    public record TimelineView(
            List<StageView> stages,
            boolean warmRunner,
            String runnerPod,
            Boolean newNode,
            QueueWaitView queueWait,
            Instant recordedAt,
            StuckView stuck) {

        static TimelineView of(QueueTimes.JobQueueTime q) {
            JobTimeline t = q.timeline();
            return new TimelineView(
                    t.stages().stream().map(StageView::of).toList(),
                    t.warmRunner(),
                    t.runnerPod(),
                    t.newNode(),
                    QueueWaitView.of(t.queueWait()),
                    q.recordedAt(),
                    q.stuckReason() == null ? null : new StuckView(q.stuckReason(), q.stuckAt()));
        }
    }

    public record StageView(String stage, Instant at, Double seconds, String status, String reason) {

        static StageView of(StageTiming s) {
            return new StageView(
                    s.stage().wire(),
                    s.at(),
                    inSeconds(s.duration()),
                    s.status().wire(),
                    s.reason());
        }
    }

    public record QueueWaitView(Double seconds, Double capacitySeconds, Double runnerStartSeconds) {

        static QueueWaitView of(QueueWait w) {
            return w == null
                    ? null
                    : new QueueWaitView(inSeconds(w.total()), inSeconds(w.capacity()), inSeconds(w.runnerStart()));
        }
    }

    public record StuckView(String reason, Instant at) {}

    /**
     * A pool's recent queue time: over its jobs completed within {@code window} (the most recent
     * {@code runnerscale.queue-time.statistics-jobs}), the 50th and 95th percentile of each stage and of the wait
     * and its parts; and its queued jobs the stuck-demand detector flagged.
     */
    public record QueueTimeView(
            String window,
            int jobs,
            Map<String, PercentilesView> stages,
            PercentilesView queueWait,
            PercentilesView capacity,
            PercentilesView runnerStart,
            List<QueueTimes.StuckJob> stuckJobs) {

        static QueueTimeView of(QueueTimes.PoolQueueTime q) {
            StageStatistics s = q.statistics();
            Map<String, PercentilesView> stages = new LinkedHashMap<>();
            s.stages().forEach((stage, p) -> stages.put(stage.wire(), PercentilesView.of(p)));
            return new QueueTimeView(
                    q.window().toString(),
                    s.jobs(),
                    stages,
                    PercentilesView.of(s.queueWait()),
                    PercentilesView.of(s.capacity()),
                    PercentilesView.of(s.runnerStart()),
                    q.stuckJobs());
        }
    }

    public record PercentilesView(int samples, Double p50Seconds, Double p95Seconds) {

        static PercentilesView of(StageStatistics.Percentiles p) {
            return new PercentilesView(p.samples(), inSeconds(p.p50()), inSeconds(p.p95()));
        }
    }

    static Double inSeconds(Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }
}
