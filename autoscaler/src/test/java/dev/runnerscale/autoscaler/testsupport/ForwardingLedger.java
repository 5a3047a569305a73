package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.jobs.RunningJob;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ledger that forwards every call to the real one and lets a test act right after each of the reads a reconcile
 * pass makes of demand ({@link #countsByPool()}, {@link #inProgressJobs()}): to put a change between them.
 */
public class ForwardingLedger implements JobLedger {

    private final JobLedger ledger;

    public ForwardingLedger(JobLedger ledger) {
        this.ledger = ledger;
    }

    /** Called after each demand read has returned its answer. */
    protected void afterDemandRead() {}

    @Override
    public Optional<LedgerJob> find(long jobId) {
        return ledger.find(jobId);
    }

    @Override
    public Map<String, PoolJobCounts> countsByPool() {
        Map<String, PoolJobCounts> counts = ledger.countsByPool();
        afterDemandRead();
        return counts;
    }

    @Override
    public List<LedgerJob> unfinishedSince(Instant cutoff, int limit) {
        return ledger.unfinishedSince(cutoff, limit);
    }

    @Override
    public List<RunningJob> inProgressJobs() {
        List<RunningJob> running = ledger.inProgressJobs();
        afterDemandRead();
        return running;
    }

    @Override
    public Set<String> runnersThatTookJobs(Collection<String> runnerNames) {
        return ledger.runnersThatTookJobs(runnerNames);
    }

    @Override
    public Optional<LedgerJob> correct(JobObservation observation) {
        return ledger.correct(observation);
    }

    @Override
    public boolean expire(long jobId, Instant now) {
        return ledger.expire(jobId, now);
    }
}
