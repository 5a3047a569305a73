package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;

/** The repair scenarios against the in-memory ledger fake. */
class InMemoryMissedEventRepairTest extends MissedEventRepairScenarios {

    @Override
    JobLedger newLedger() {
        return new InMemoryJobLedger();
    }

    @Override
    void deliver(JobLedger ledger, JobObservation delivery) {
        ((InMemoryJobLedger) ledger).record(delivery);
    }

    @Override
    void flagStuck(JobLedger ledger, long jobId, java.time.Instant at) {
        ((InMemoryJobLedger) ledger).flagStuck(jobId, at);
    }
}
