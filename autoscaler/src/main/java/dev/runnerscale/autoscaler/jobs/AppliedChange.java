package dev.runnerscale.autoscaler.jobs;

/**
 * A job row after a committed write, with the status rank it had before that write ({@code -1} when the write
 * created the row). Tells exactly once whether a job started or completed, whatever replica wrote it.
 */
record AppliedChange(int previousRank, LedgerJob job) {

    boolean counts() {
        return job.pool() != null && !job.refused();
    }

    boolean demandChanged() {
        return counts() && previousRank != job.status().rank();
    }

    boolean started() {
        return previousRank < JobStatus.IN_PROGRESS.rank() && job.status().rank() >= JobStatus.IN_PROGRESS.rank();
    }

    boolean completed() {
        return previousRank < JobStatus.COMPLETED.rank() && job.status() == JobStatus.COMPLETED;
    }
}
