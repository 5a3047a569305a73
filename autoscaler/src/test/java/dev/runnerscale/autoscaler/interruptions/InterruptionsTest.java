package dev.runnerscale.autoscaler.interruptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.cost.accounting.CostDatabase;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An interrupted job that then fails is re-run exactly once, whatever the duplicates and replicas. */
class InterruptionsTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final CostDatabase db = new CostDatabase();
    private final MutableClock clock = new MutableClock(T0);
    private final JdbcInterruptionLedger ledger = new JdbcInterruptionLedger(db.jdbc);
    private final List<Long> rerunCalls = new CopyOnWriteArrayList<>();
    private final JobRerunner github = (owner, repo, jobId) -> {
        rerunCalls.add(jobId);
        return JobRerunner.Outcome.REQUESTED;
    };

    @AfterEach
    void close() {
        db.close();
    }

    private static final NodeNotice SPOT_ITN =
            new NodeNotice("ip-10-0-1-1", NoticeKind.SPOT_INTERRUPTION, "aws-node-termination-handler/spot-itn");

    @Test
    void aNoticeIsCountedOncePerNodeAndPoolAndMarksTheBusyRunnersJobs() {
        db.job(1, "acme", "api", "CI", "spot", 2, null, T0, null, "rs-spot-0-aaaaa");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Interruptions replica = new Interruptions(ledger, github, registry, clock);
        assertThat(replica.nodeNoticed(SPOT_ITN, "spot", List.of("rs-spot-0-aaaaa", "rs-spot-9-idle0")))
                .containsExactly(1L);
        // every following pass sees the same taint: nothing new
        assertThat(replica.nodeNoticed(SPOT_ITN, "spot", List.of("rs-spot-0-aaaaa")))
                .isEmpty();
        assertThat(registry.get("runnerscale_spot_interruptions")
                        .tag("pool", "spot")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(ledger.find(1).orElseThrow()[0]).isEqualTo(T0);
    }

    @Test
    void failedAfterAnInterruptionIsReRunOnceAcrossDuplicateDeliveriesAndTwoReplicas() throws Exception {
        db.job(2, "acme", "api", "CI", "spot", 2, null, T0, null, "rs-spot-1-bbbbb");
        SimpleMeterRegistry r1 = new SimpleMeterRegistry();
        SimpleMeterRegistry r2 = new SimpleMeterRegistry();
        Interruptions replica1 = new Interruptions(ledger, github, r1, clock);
        Interruptions replica2 = new Interruptions(ledger, github, r2, clock);
        replica1.nodeNoticed(SPOT_ITN, "spot", List.of("rs-spot-1-bbbbb"));

        // the completed delivery arrives twice (the ledger row is written twice), sweeps race on 8 threads
        db.job(2, "acme", "api", "CI", "spot", 3, "failure", T0, T0.plusSeconds(90), "rs-spot-1-bbbbb");
        db.job(2, "acme", "api", "CI", "spot", 3, "failure", T0, T0.plusSeconds(90), "rs-spot-1-bbbbb");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger requested = new AtomicInteger();
        for (int i = 0; i < 16; i++) {
            Interruptions replica = i % 2 == 0 ? replica1 : replica2;
            threads.submit(() -> {
                start.await();
                requested.addAndGet(replica.sweepReruns(10));
                return null;
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(rerunCalls).containsExactly(2L);
        assertThat(requested.get()).isEqualTo(1);
        double counted = r1.find("runnerscale_job_reruns").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum()
                + r2.find("runnerscale_job_reruns").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        assertThat(counted).isEqualTo(1.0);
        assertThat(ledger.find(2).orElseThrow()[2]).isEqualTo("requested");
        // later sweeps never ask again
        replica1.sweepReruns(10);
        replica2.sweepReruns(10);
        assertThat(rerunCalls).hasSize(1);
    }

    @Test
    void aJobThatSucceededOrWasNeverInterruptedIsNotReRun() {
        db.job(3, "acme", "api", "CI", "spot", 2, null, T0, null, "rs-spot-2-ccccc");
        db.job(4, "acme", "api", "CI", "spot", 3, "failure", T0, T0.plusSeconds(60), "rs-spot-3-ddddd");
        Interruptions interruptions = new Interruptions(ledger, github, new SimpleMeterRegistry(), clock);
        interruptions.nodeNoticed(SPOT_ITN, "spot", List.of("rs-spot-2-ccccc"));
        db.job(3, "acme", "api", "CI", "spot", 3, "success", T0, T0.plusSeconds(60), "rs-spot-2-ccccc");
        interruptions.sweepReruns(10);
        assertThat(rerunCalls).isEmpty();
        assertThat(ledger.find(3).orElseThrow()[2]).isEqualTo("not_needed");
    }

    @Test
    void aRequestThatWasNotSentIsAskedAgainButAnAmbiguousOneNever() {
        db.job(5, "acme", "api", "CI", "spot", 2, null, T0, null, "rs-spot-4-eeeee");
        db.job(6, "acme", "web", "CI", "spot", 2, null, T0, null, "rs-spot-5-fffff");
        AtomicInteger attempts5 = new AtomicInteger();
        AtomicInteger attempts6 = new AtomicInteger();
        JobRerunner flaky = (owner, repo, jobId) -> {
            if (jobId == 5) {
                if (attempts5.incrementAndGet() == 1) {
                    throw new JobRerunner.NotSent("circuit open", null);
                }
                return JobRerunner.Outcome.REQUESTED;
            }
            attempts6.incrementAndGet();
            throw new IllegalStateException("read timed out after sending");
        };
        Interruptions interruptions = new Interruptions(ledger, flaky, new SimpleMeterRegistry(), clock);
        interruptions.nodeNoticed(SPOT_ITN, "spot", List.of("rs-spot-4-eeeee", "rs-spot-5-fffff"));
        db.job(5, "acme", "api", "CI", "spot", 3, "cancelled", T0, T0.plusSeconds(60), "rs-spot-4-eeeee");
        db.job(6, "acme", "web", "CI", "spot", 3, "failure", T0, T0.plusSeconds(60), "rs-spot-5-fffff");

        interruptions.sweepReruns(10);
        interruptions.sweepReruns(10);
        interruptions.sweepReruns(10);
        assertThat(attempts5.get()).isEqualTo(2);
        assertThat(ledger.find(5).orElseThrow()[2]).isEqualTo("requested");
        assertThat(attempts6.get()).isEqualTo(1);
        assertThat(ledger.find(6).orElseThrow()[2]).isEqualTo("unknown");
    }
}
