package dev.runnerscale.autoscaler.jobs;

import java.util.Locale;

/**
 * Status of a workflow job in GitHub's words, in the only order it may move: a job never goes back. The ordinal
 * is the rank used by the merge rules and by the conditional SQL.
 */
public enum JobStatus {
    WAITING,
    QUEUED,
    IN_PROGRESS,
    COMPLETED;

    /** GitHub's lower-case word ({@code in_progress}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    public int rank() {
        return ordinal();
    }
}
