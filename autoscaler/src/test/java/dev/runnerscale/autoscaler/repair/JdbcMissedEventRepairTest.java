package dev.runnerscale.autoscaler.repair;

import dev.runnerscale.autoscaler.jobs.JdbcJobLedger;
import dev.runnerscale.autoscaler.jobs.JobDelivery;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.queuetime.StuckReason;
import dev.runnerscale.autoscaler.queuetime.recording.JdbcQueueTimes;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;

/** The repair scenarios against the real ledger on embedded PostgreSQL. */
class JdbcMissedEventRepairTest extends MissedEventRepairScenarios {

    /** The test configuration's pool whose labels contain the scenarios' job labels. */
    static final String POOL = "linux-x64-spot";

    @Autowired
    JdbcJobLedger jdbcLedger;

    @Autowired
    JdbcQueueTimes queueTimes;

    @Override
    JobLedger newLedger() {
        return jdbcLedger;
    }

    @Override
    void deliver(JobLedger ledger, JobObservation delivery) {
        jdbcLedger.record(List.of(new JobDelivery(delivery.deliveryId(), "queued", delivery, POOL, false)));
    }

    @Override
    void flagStuck(JobLedger ledger, long jobId, Instant at) {
        queueTimes.markStuck(jobId, StuckReason.IDLE_RUNNER_UNUSED, at);
    }
}
