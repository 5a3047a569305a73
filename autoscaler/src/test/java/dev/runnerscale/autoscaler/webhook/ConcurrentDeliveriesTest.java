package dev.runnerscale.autoscaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class ConcurrentDeliveriesTest extends AutoscalerTestBase {

    private static final int THREADS = 32;
    private static final List<String> ACTIONS = List.of("waiting", "queued", "in_progress", "completed");

    @Autowired
    JobLedger ledger;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry registry;

    private double count(String name) {
        return registry.find(name).tag("pool", "linux-x64-spot").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void manyThreadsDeliveringEveryActionOfTheSameJobsCountEachJobOnce() throws Exception {
        List<Long> jobs = List.of(nextJobId(), nextJobId(), nextJobId());
        double startedBefore = count("gha_started_jobs");
        double completedBefore = count("gha_completed_jobs");
        // every thread sends every action of every job in its own order: the shared delivery ids make each thread's
        // delivery a redelivery of the others', and one extra delivery per thread carries a fresh id (GitHub sending
        // the same event twice), which must not count twice either
        List<byte[]> bodies = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (long job : jobs) {
            for (String action : ACTIONS) {
                bodies.add(Payloads.job(job).action(action).bytes());
                ids.add("c-" + job + "-" + action);
            }
        }
        java.util.Map<Integer, List<String>> extraIds = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < bodies.size(); i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new java.util.Random(thread));
                    List<Integer> statuses = new ArrayList<>();
                    for (int i : order) {
                        statuses.add(client().deliver("workflow_job", ids.get(i), bodies.get(i))
                                .statusCode());
                    }
                    int extra = order.get(0);
                    extraIds.computeIfAbsent(extra, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add("x-" + thread + "-" + extra);
                    statuses.add(client().deliver("workflow_job", "x-" + thread + "-" + extra, bodies.get(extra))
                            .statusCode());
                    return statuses;
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get()).containsOnly(202);
            }
        } finally {
            pool.shutdown();
        }
        for (int j = 0; j < jobs.size(); j++) {
            long job = jobs.get(j);
            // the delivery that brought the final status; among equal ones the greatest id, whatever the order
            int completedBody = j * ACTIONS.size() + ACTIONS.indexOf("completed");
            String expectedDelivery = extraIds.getOrDefault(completedBody, List.of()).stream()
                    .reduce(ids.get(completedBody), (x, y) -> x.compareTo(y) >= 0 ? x : y);
            LedgerJob row = ledger.find(job).orElseThrow();
            assertThat(row.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(row.conclusion()).isEqualTo("success");
            assertThat(row.startedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:30Z"));
            assertThat(row.runnerName()).isEqualTo("linux-x64-spot-7");
            assertThat(row.lastDeliveryId()).isEqualTo(expectedDelivery);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM webhook_deliveries WHERE job_id = ?", Long.class, job))
                    .isGreaterThanOrEqualTo(4);
        }
        assertThat(count("gha_started_jobs")).isEqualTo(startedBefore + jobs.size());
        assertThat(count("gha_completed_jobs")).isEqualTo(completedBefore + jobs.size());
    }
}
