package dev.runnerscale.autoscaler.jobs;

import static dev.runnerscale.autoscaler.jobs.JobStatus.COMPLETED;
import static dev.runnerscale.autoscaler.jobs.JobStatus.IN_PROGRESS;
import static dev.runnerscale.autoscaler.jobs.JobStatus.QUEUED;
import static dev.runnerscale.autoscaler.jobs.JobStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class JdbcJobLedgerTest extends AutoscalerTestBase {

    private static final String POOL = "linux-x64-spot";

    @Autowired
    JdbcJobLedger ledger;

    @Autowired
    JdbcTemplate jdbc;

    private static JobDelivery delivery(long job, JobStatus status) {
        return new JobDelivery(
                Observations.deliveryId(job, status),
                status.wire(),
                Observations.of(job, status, Observations.deliveryId(job, status), Observations.receivedAt(status)),
                POOL,
                false);
    }

    private static LedgerJob specified(long job, List<JobStatus> ordering) {
        LedgerJob row = null;
        for (JobStatus s : ordering) {
            row = JobMerge.merge(row, delivery(job, s).observation(), POOL, false);
        }
        return row;
    }

    @Nested
    class TheSqlMergeIsTheJavaMerge {

        @Test
        void everyOrderingWithDuplicatesOneDeliveryPerTransaction() {
            for (List<JobStatus> ordering : Observations.orderingsWithDuplicates()) {
                long job = nextJobId();
                for (JobStatus s : ordering) {
                    ledger.record(List.of(delivery(job, s)));
                }
                assertThat(ledger.find(job)).as("ordering %s", ordering).contains(specified(job, ordering));
            }
        }

        @Test
        void everyOrderingWithDuplicatesAllInOneBatch() {
            for (List<JobStatus> ordering : Observations.orderingsWithDuplicates()) {
                long job = nextJobId();
                List<JobDelivery> batch = new ArrayList<>();
                ordering.forEach(s -> batch.add(delivery(job, s)));
                List<DeliveryOutcome> outcomes = ledger.record(batch);
                assertThat(outcomes)
                        .filteredOn(o -> o == DeliveryOutcome.RECORDED)
                        .hasSize(4);
                assertThat(ledger.find(job)).as("ordering %s", ordering).contains(specified(job, ordering));
            }
        }

        @Test
        void aRedeliveryIsADuplicateAndChangesNothing() {
            long job = nextJobId();
            assertThat(ledger.record(List.of(delivery(job, QUEUED)))).containsExactly(DeliveryOutcome.RECORDED);
            LedgerJob before = ledger.find(job).orElseThrow();
            JobDelivery redelivered = new JobDelivery(
                    Observations.deliveryId(job, QUEUED),
                    "in_progress",
                    Observations.of(job, IN_PROGRESS, Observations.deliveryId(job, QUEUED), Instant.now()),
                    POOL,
                    false);
            assertThat(ledger.record(List.of(redelivered))).containsExactly(DeliveryOutcome.DUPLICATE);
            assertThat(ledger.find(job)).contains(before);
        }
    }

    @Nested
    class BatchesMixingNewAndKnownDeliveries {

        @Test
        void aBatchWithARedeliveryMergesOnlyTheNewDeliveriesOfThatJob() {
            long job = nextJobId();
            long other = nextJobId();
            ledger.record(List.of(delivery(job, QUEUED)));
            // the redelivered queued comes with a later receipt time: were it merged, last_received_at would move
            JobDelivery redelivered = new JobDelivery(
                    Observations.deliveryId(job, QUEUED),
                    "queued",
                    Observations.of(
                            job, QUEUED, Observations.deliveryId(job, QUEUED), Instant.parse("2030-01-01T00:00:00Z")),
                    POOL,
                    false);
            List<DeliveryOutcome> outcomes =
                    ledger.record(List.of(delivery(other, QUEUED), redelivered, delivery(job, IN_PROGRESS)));
            assertThat(outcomes)
                    .containsExactly(DeliveryOutcome.RECORDED, DeliveryOutcome.DUPLICATE, DeliveryOutcome.RECORDED);
            assertThat(ledger.find(job)).contains(specified(job, List.of(QUEUED, IN_PROGRESS)));
            assertThat(ledger.find(other)).contains(specified(other, List.of(QUEUED)));
        }
    }

    @Nested
    class Reads {

        @Test
        void countsByPoolCountsWaitingQueuedAndRunningJobsOfOurPoolsOnly() {
            Map<String, PoolJobCounts> before = ledger.countsByPool();
            long waiting = nextJobId();
            long queued = nextJobId();
            long running = nextJobId();
            long done = nextJobId();
            ledger.record(List.of(
                    delivery(waiting, WAITING),
                    delivery(queued, QUEUED),
                    delivery(running, IN_PROGRESS),
                    delivery(done, COMPLETED)));
            long refused = nextJobId();
            ledger.record(List.of(new JobDelivery(
                    "r-" + refused,
                    "queued",
                    Observations.of(refused, QUEUED, "r-" + refused, Instant.now()),
                    POOL,
                    true)));
            Map<String, PoolJobCounts> after = ledger.countsByPool();
            assertThat(after).containsOnlyKeys("linux-x64-spot", "linux-x64-large");
            PoolJobCounts b = before.get(POOL);
            assertThat(after.get(POOL))
                    .isEqualTo(new PoolJobCounts(POOL, b.waiting() + 1, b.queued() + 1, b.inProgress() + 1));
        }

        @Test
        void unfinishedSinceListsOnlyQueuedAndRunningJobsUnchangedSinceTheCutoff() {
            long queued = nextJobId();
            long completed = nextJobId();
            ledger.record(List.of(delivery(queued, QUEUED), delivery(completed, COMPLETED)));
            Instant cutoff = Observations.receivedAt(COMPLETED).plusSeconds(1);
            List<Long> ids = ledger.unfinishedSince(cutoff, 100_000).stream()
                    .map(LedgerJob::id)
                    .toList();
            assertThat(ids).contains(queued).doesNotContain(completed);
            assertThat(ledger.unfinishedSince(Observations.receivedAt(WAITING), 100_000))
                    .extracting(LedgerJob::id)
                    .doesNotContain(queued);
        }

        @Test
        void inProgressJobsAreThoseOfOurPoolsOnlyWithTheirRunners() {
            long running = nextJobId();
            long done = nextJobId();
            long refused = nextJobId();
            long unmatched = nextJobId();
            ledger.record(List.of(
                    started(running, POOL, false),
                    started(done, POOL, false),
                    delivery(done, COMPLETED),
                    started(refused, POOL, true),
                    started(unmatched, null, false)));

            assertThat(ledger.inProgressJobs())
                    .contains(new RunningJob(POOL, "runner-of-" + running))
                    .extracting(RunningJob::runnerName)
                    .doesNotContain("runner-of-" + done, "runner-of-" + refused, "runner-of-" + unmatched);
        }

        @Test
        void runnersThatTookJobsAreThoseAJobRanOnWhateverItsStatusNow() {
            long running = nextJobId();
            long done = nextJobId();
            ledger.record(List.of(
                    started(running, POOL, false),
                    started(done, POOL, false),
                    new JobDelivery(
                            "completed-" + done,
                            "completed",
                            Observations.of(done, COMPLETED, "completed-" + done, Instant.now(), "runner-of-" + done),
                            POOL,
                            false)));

            assertThat(ledger.runnersThatTookJobs(
                            List.of("runner-of-" + running, "runner-of-" + done, "never-took-a-job")))
                    .containsExactlyInAnyOrder("runner-of-" + running, "runner-of-" + done);
            assertThat(ledger.runnersThatTookJobs(List.of())).isEmpty();
        }

        private static JobDelivery started(long job, String pool, boolean refused) {
            String id = "started-" + job;
            return new JobDelivery(
                    id,
                    "in_progress",
                    Observations.of(job, IN_PROGRESS, id, Instant.now(), "runner-of-" + job),
                    pool,
                    refused);
        }

        @Test
        void findIsEmptyForAJobNeverAccepted() {
            assertThat(ledger.find(nextJobId())).isEmpty();
        }
    }

    @Nested
    class CorrectionsAndExpiry {

        @Test
        void aCorrectionGoesThroughTheSameMergeRules() {
            long job = nextJobId();
            ledger.record(List.of(delivery(job, QUEUED)));
            JobObservation fromApi = Observations.of(job, IN_PROGRESS, null, Instant.parse("2026-11-21T12:00:00Z"));
            LedgerJob corrected = ledger.correct(fromApi).orElseThrow();
            assertThat(corrected.status()).isEqualTo(IN_PROGRESS);
            assertThat(corrected.runnerId()).isEqualTo(42L);
            assertThat(corrected.lastDeliveryId()).isEqualTo(Observations.deliveryId(job, QUEUED));
            assertThat(ledger.correct(Observations.of(job, QUEUED, null, Instant.now())))
                    .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(IN_PROGRESS));
        }

        @Test
        void aCorrectionOfAJobTheLedgerDoesNotHoldStoresNothing() {
            long job = nextJobId();
            assertThat(ledger.correct(Observations.of(job, QUEUED, null, Instant.now())))
                    .isEmpty();
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void expiryCompletesAnOpenJobOnceAsExpired() {
            long job = nextJobId();
            ledger.record(List.of(delivery(job, QUEUED)));
            Instant now = Instant.parse("2026-11-22T10:00:00Z");
            assertThat(ledger.expire(job, now)).isTrue();
            assertThat(ledger.expire(job, now)).isFalse();
            LedgerJob expired = ledger.find(job).orElseThrow();
            assertThat(expired.status()).isEqualTo(COMPLETED);
            assertThat(expired.conclusion()).isEqualTo("expired");
            assertThat(expired.completedAt()).isEqualTo(now);
        }
    }

    @Test
    void retentionPurgesUnmatchedJobsEarlyAndMatchedOnesLate() {
        long matched = nextJobId();
        long unmatched = nextJobId();
        Instant received = Instant.parse("2020-01-01T00:00:00Z");
        ledger.record(List.of(
                new JobDelivery(
                        "p-" + matched,
                        "queued",
                        Observations.of(matched, QUEUED, "p-" + matched, received),
                        POOL,
                        false),
                new JobDelivery(
                        "p-" + unmatched,
                        "queued",
                        Observations.of(unmatched, QUEUED, "p-" + unmatched, received),
                        null,
                        false)));
        // unmatched cutoff after the receipt, matched cutoff before it
        ledger.purge(received.minusSeconds(1), received.plusSeconds(1), received.plusSeconds(1));
        assertThat(ledger.find(unmatched)).isEmpty();
        assertThat(ledger.find(matched)).isPresent();
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM webhook_deliveries WHERE delivery_id IN (?, ?)",
                        Long.class,
                        "p-" + matched,
                        "p-" + unmatched))
                .isZero();
    }
}
