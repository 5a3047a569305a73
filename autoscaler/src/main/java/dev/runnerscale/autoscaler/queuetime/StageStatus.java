package dev.runnerscale.autoscaler.queuetime;

import java.util.Locale;

/** How a stage of a job's timeline is known. */
public enum StageStatus {
    /** The timeline's origin: the job queued at GitHub. */
    ORIGIN,
    /** Its duration is the time from the end of the stages before it to its instant. */
    MEASURED,
    /** It happened no later than the stages before it ended: it added no wait; duration zero, with a reason. */
    CLAMPED,
    /** It did not belong to this job's wait (a warm runner's pod stages, which happened before the job). */
    SKIPPED,
    /** It should have happened but no instant of it is known (with a reason). */
    UNKNOWN,
    /** The job has not got there yet. */
    PENDING;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
