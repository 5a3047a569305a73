package dev.runnerscale.autoscaler.jobs;

import java.time.Instant;

/**
 * What a committed write did to a job: its status rank before the write ({@code -1} when the write created the row)
 * and the fields metrics and events need after it. Tells exactly once whether a job started or completed, whatever
 * replica wrote it, because the previous rank is read from the row the upsert locked.
 */
record AppliedChange(
        int previousRank,
        JobStatus status,
        String pool,
        boolean refused,
        String conclusion,
        Instant queuedAt,
        Instant startedAt,
        Instant completedAt) {

    boolean counts() {
        return pool != null && !refused;
    }

    boolean demandChanged() {
        return counts() && previousRank != status.rank();
    }

    boolean started() {
        return previousRank < JobStatus.IN_PROGRESS.rank() && status.rank() >= JobStatus.IN_PROGRESS.rank();
    }

    boolean completed() {
        return previousRank < JobStatus.COMPLETED.rank() && status == JobStatus.COMPLETED;
    }
}
