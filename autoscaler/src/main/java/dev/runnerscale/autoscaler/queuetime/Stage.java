package dev.runnerscale.autoscaler.queuetime;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The steps of a job's life in the order the timeline walks them. {@link #QUEUED} is the origin (GitHub's
 * {@code created_at}); {@link #COMPLETED} ends the run. The seven between are the wait stages: each one's duration is
 * the time from the end of the stages before it to its own instant, and they add up to the queue wait.
 *
 * <p>{@code runner_registered} comes before {@code runner_started}: runners are registered just in time, and the
 * runner container cannot start before its registration exists (the kubelet waits for the pod's JIT Secret), so a
 * registration that is slow shows as its own stage, not as a slow start.
 */
public enum Stage {
    QUEUED,
    DELIVERY,
    DEMAND_SEEN,
    POD_CREATED,
    POD_SCHEDULED,
    RUNNER_REGISTERED,
    RUNNER_STARTED,
    JOB_STARTED,
    COMPLETED;

    /** The stages a queue wait is made of, in order: the {@code stage} tag of the histogram. */
    public static final List<Stage> WAIT_STAGES =
            List.of(DELIVERY, DEMAND_SEEN, POD_CREATED, POD_SCHEDULED, RUNNER_REGISTERED, RUNNER_STARTED, JOB_STARTED);

    /** The stages of the runner pod itself: skipped for a job served by a warm runner. */
    public static final Set<Stage> POD_STAGES =
            EnumSet.of(POD_CREATED, POD_SCHEDULED, RUNNER_REGISTERED, RUNNER_STARTED);

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean podStage() {
        return POD_STAGES.contains(this);
    }

    /**
     * Whether this stage can only happen after {@code earlier}, whoever's clock stamped them: seen the other way
     * round, two clocks disagree. Other pairs may legitimately overlap: a pod made for earlier demand exists before
     * this job was even delivered, registration and scheduling race.
     */
    public boolean mustFollow(Stage earlier) {
        return switch (this) {
            case QUEUED -> false;
            case DELIVERY -> earlier == QUEUED;
            case DEMAND_SEEN -> earlier == QUEUED || earlier == DELIVERY;
            case POD_CREATED -> false;
            case POD_SCHEDULED, RUNNER_REGISTERED -> earlier == POD_CREATED;
            case RUNNER_STARTED -> earlier == POD_CREATED || earlier == POD_SCHEDULED || earlier == RUNNER_REGISTERED;
            case JOB_STARTED -> earlier == QUEUED || earlier.podStage();
            case COMPLETED -> earlier != COMPLETED;
        };
    }
}
