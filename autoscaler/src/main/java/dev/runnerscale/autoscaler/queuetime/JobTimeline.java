package dev.runnerscale.autoscaler.queuetime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where one job's wait went: its stages in order, each with its instant and its share of the wait.
 *
 * <p>The rules, so that deliveries in any order, duplicates and several clocks never give a negative or a
 * double-counted stage:
 *
 * <ul>
 *   <li>Each stage's instant is the earliest known (the ledger merges every time with LEAST).
 *   <li>Walking the wait stages in order, a stage's duration is the time from the <em>end so far</em> (the latest
 *       instant of the stages before it, starting at the origin) to its own instant. A stage whose instant is not
 *       after the end so far added no wait: duration zero, status {@code clamped}, reason {@value #CLOCK_SKEW} when
 *       the order is impossible (it can only follow that stage, so two clocks disagree) or {@value #OVERLAPPED} when
 *       the stages may legitimately overlap (a pod made for earlier demand, registration racing scheduling).
 *   <li>A stage stamped after the job had started did not delay the start: clamped too, {@value #CLOCK_SKEW} for a
 *       pod stage (the job ran on that pod), {@value #AFTER_START} otherwise (a delivery or a pass that came late).
 *   <li>So every duration is at least zero and, for a started job, the durations add up exactly to the queue wait
 *       {@code started_at - created_at}.
 *   <li>A job taken by a warm runner (its container was running before the job was delivered) skips the pod stages,
 *       reason {@value #WARM_RUNNER}.
 * </ul>
 */
public record JobTimeline(
        List<StageTiming> stages, boolean warmRunner, String runnerPod, Boolean newNode, QueueWait queueWait) {

    /** Two clocks disagree about the order of two stages that cannot be in that order. */
    public static final String CLOCK_SKEW = "clock_skew";
    /** The stage happened while an earlier one was still going on: it added no wait. */
    public static final String OVERLAPPED = "overlapped";
    /** Stamped after the job had already started (a late delivery, a pass after the start): it added no wait. */
    public static final String AFTER_START = "after_start";
    /** The runner was running before the job was delivered: its pod's stages are not this job's wait. */
    public static final String WARM_RUNNER = "warm_runner";
    /** The job ran, but not on a runner pod of ours that could be linked to it (its runner, or its pod, unknown). */
    public static final String NOT_LINKED = "not_linked";
    /** The linked pod did not report this stage. */
    public static final String NOT_REPORTED = "not_reported";
    /** No reconcile pass stamped the job while it was queued (it left the queue before the next stamp). */
    public static final String NOT_SEEN_QUEUED = "not_seen_queued";
    /** The job completed without a runner: cancelled while it was queued. */
    public static final String NEVER_RAN = "never_ran";

    public JobTimeline {
        stages = List.copyOf(stages);
    }

    public static JobTimeline of(TimelineFacts f) {
        Instant origin = f.queuedAt() != null ? f.queuedAt() : f.receivedAt();
        Instant start = f.ran() ? f.startedAt() : null;
        boolean warm = f.linked()
                && f.runnerStartedAt() != null
                && f.receivedAt() != null
                && !f.runnerStartedAt().isAfter(f.receivedAt());

        List<StageTiming> stages = new ArrayList<>();
        stages.add(new StageTiming(
                Stage.QUEUED, origin, null, f.queuedAt() != null ? StageStatus.ORIGIN : StageStatus.UNKNOWN, null));
        Instant end = origin;
        Stage endStage = Stage.QUEUED;
        for (Stage stage : Stage.WAIT_STAGES) {
            Instant at = instant(f, stage);
            if (stage.podStage() && warm) {
                stages.add(new StageTiming(stage, at, null, StageStatus.SKIPPED, WARM_RUNNER));
                continue;
            }
            if (at == null) {
                stages.add(missing(f, stage, start));
                continue;
            }
            if (end == null) { // no origin known: the first known stage starts the timeline
                stages.add(new StageTiming(stage, at, Duration.ZERO, StageStatus.MEASURED, null));
                end = at;
                endStage = stage;
                continue;
            }
            if (stage != Stage.JOB_STARTED && start != null && at.isAfter(start)) {
                String reason = stage.podStage() ? CLOCK_SKEW : AFTER_START;
                stages.add(new StageTiming(stage, at, Duration.ZERO, StageStatus.CLAMPED, reason));
                continue;
            }
            if (at.isBefore(end)) {
                String reason = stage.mustFollow(endStage) ? CLOCK_SKEW : OVERLAPPED;
                stages.add(new StageTiming(stage, at, Duration.ZERO, StageStatus.CLAMPED, reason));
                continue;
            }
            stages.add(new StageTiming(stage, at, Duration.between(end, at), StageStatus.MEASURED, null));
            end = at;
            endStage = stage;
        }
        stages.add(completion(f, start));

        QueueWait wait = null;
        if (start != null && origin != null) {
            Duration total = nonNegative(Duration.between(origin, start));
            Duration capacity = f.capacityWait() == null ? null : min(nonNegative(f.capacityWait()), total);
            wait = new QueueWait(total, capacity, capacity == null ? null : total.minus(capacity));
        }
        return new JobTimeline(stages, warm, f.linked() ? f.runnerPod() : null, f.newNode(), wait);
    }

    public StageTiming stage(Stage stage) {
        return stages.stream().filter(s -> s.stage() == stage).findFirst().orElseThrow();
    }

    /** The wait stages that give a histogram sample (measured or clamped), with their durations, in order. */
    public Map<Stage, Duration> waitSamples() {
        Map<Stage, Duration> out = new EnumMap<>(Stage.class);
        for (StageTiming s : stages) {
            if (Stage.WAIT_STAGES.contains(s.stage()) && s.counted()) {
                out.put(s.stage(), s.duration());
            }
        }
        return out;
    }

    /** One line for a log: each stage's share of the wait, or its status. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        for (StageTiming s : stages) {
            if (s.stage() == Stage.QUEUED) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(s.stage().wire()).append(' ');
            if (s.duration() != null) {
                out.append(s.duration().toMillis() / 1000.0).append('s');
                if (s.status() == StageStatus.CLAMPED) {
                    out.append(" (").append(s.reason()).append(')');
                }
            } else {
                out.append(s.status().wire());
                if (s.reason() != null) {
                    out.append(" (").append(s.reason()).append(')');
                }
            }
        }
        if (queueWait != null) {
            out.append("; queue wait ")
                    .append(queueWait.total().toMillis() / 1000.0)
                    .append('s');
        }
        return out.toString();
    }

    private static Instant instant(TimelineFacts f, Stage stage) {
        return switch (stage) {
            case QUEUED -> f.queuedAt();
            case DELIVERY -> f.receivedAt();
            case DEMAND_SEEN -> f.demandSeenAt();
            case POD_CREATED -> f.podCreatedAt();
            case POD_SCHEDULED -> f.podScheduledAt();
            case RUNNER_REGISTERED -> f.runnerRegisteredAt();
            case RUNNER_STARTED -> f.runnerStartedAt();
            case JOB_STARTED -> f.ran() ? f.startedAt() : null;
            case COMPLETED -> f.completedAt();
        };
    }

    /** A wait stage without an instant: not reached yet, or not known and why. */
    private static StageTiming missing(TimelineFacts f, Stage stage, Instant start) {
        boolean over = start != null || f.completed();
        if (!over) {
            return new StageTiming(stage, null, null, StageStatus.PENDING, null);
        }
        String reason;
        if (stage == Stage.DEMAND_SEEN) {
            reason = NOT_SEEN_QUEUED;
        } else if (!f.ran()) {
            reason = NEVER_RAN;
        } else if (stage.podStage()) {
            reason = f.linked() ? NOT_REPORTED : NOT_LINKED;
        } else {
            reason = NOT_REPORTED;
        }
        return new StageTiming(stage, null, null, StageStatus.UNKNOWN, reason);
    }

    /** The run: from started to completed (GitHub's clock for both). */
    private static StageTiming completion(TimelineFacts f, Instant start) {
        if (!f.completed()) {
            return new StageTiming(Stage.COMPLETED, null, null, StageStatus.PENDING, null);
        }
        if (start == null) {
            return new StageTiming(Stage.COMPLETED, f.completedAt(), null, StageStatus.SKIPPED, NEVER_RAN);
        }
        if (f.completedAt() == null) {
            return new StageTiming(Stage.COMPLETED, null, null, StageStatus.UNKNOWN, NOT_REPORTED);
        }
        if (f.completedAt().isBefore(start)) {
            return new StageTiming(Stage.COMPLETED, f.completedAt(), Duration.ZERO, StageStatus.CLAMPED, CLOCK_SKEW);
        }
        return new StageTiming(
                Stage.COMPLETED, f.completedAt(), Duration.between(start, f.completedAt()), StageStatus.MEASURED, null);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
