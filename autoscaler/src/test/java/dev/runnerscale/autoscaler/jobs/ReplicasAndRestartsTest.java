package dev.runnerscale.autoscaler.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Replicas and restarts on one database: real application contexts, started and stopped by the test. */
class ReplicasAndRestartsTest {

    private static final AtomicLong JOB_IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1000 + 500);
    private static final List<String> ACTIONS = List.of("queued", "in_progress", "completed");

    private static ConfigurableApplicationContext start() {
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        // The ledger is under test, not the runners (their replicas and restarts are RunnerScenariosTest's). Each
        // context here would otherwise lead on its own and create pods in the shared mock API server, and a context
        // closed while its pod watch still has events in flight stalls that server's event loop for up to a minute.
        properties.put("runnerscale.runners.enabled", "false");
        return SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties));
    }

    private static WebhookClient client(ConfigurableApplicationContext context) {
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        return new WebhookClient(port, "test-secret");
    }

    private static double count(ConfigurableApplicationContext context, String name) {
        return context.getBean(MeterRegistry.class).find(name).tag("pool", "linux-x64-spot").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Nested
    class TwoReplicasOnOneDatabase {

        @Test
        void deliveriesOfTheSameJobsToBothReplicasConvergeAndCountEachJobOnce() throws Exception {
            try (ConfigurableApplicationContext a = start();
                    ConfigurableApplicationContext b = start()) {
                double startedBefore = count(a, "gha_started_jobs") + count(b, "gha_started_jobs");
                double completedBefore = count(a, "gha_completed_jobs") + count(b, "gha_completed_jobs");
                List<Long> jobs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    jobs.add(JOB_IDS.incrementAndGet());
                }
                ExecutorService pool = Executors.newFixedThreadPool(16);
                try {
                    List<Future<Integer>> answers = new ArrayList<>();
                    for (long job : jobs) {
                        for (String action : ACTIONS) {
                            // each delivery reaches both replicas, under different delivery ids (no de-duplication
                            // by id can help): only the job merge keeps the counts right
                            for (ConfigurableApplicationContext replica : List.of(a, b)) {
                                answers.add(pool.submit(() -> client(replica)
                                        .deliver(
                                                "workflow_job",
                                                Payloads.job(job).action(action).bytes())
                                        .statusCode()));
                            }
                        }
                    }
                    for (Future<Integer> answer : answers) {
                        assertThat(answer.get()).isEqualTo(202);
                    }
                } finally {
                    pool.shutdown();
                }
                JobLedger ledgerA = a.getBean(JobLedger.class);
                JobLedger ledgerB = b.getBean(JobLedger.class);
                for (long job : jobs) {
                    assertThat(ledgerA.find(job).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
                    assertThat(ledgerA.find(job)).isEqualTo(ledgerB.find(job));
                }
                assertThat(count(a, "gha_started_jobs") + count(b, "gha_started_jobs"))
                        .isEqualTo(startedBefore + jobs.size());
                assertThat(count(a, "gha_completed_jobs") + count(b, "gha_completed_jobs"))
                        .isEqualTo(completedBefore + jobs.size());
            }
        }
    }

    @Nested
    class Restarts {

        @Test
        void aRestartBetweenDeliveriesLosesNothing() {
            long job = JOB_IDS.incrementAndGet();
            String queuedDelivery = "r-" + job + "-queued";
            byte[] queued = Payloads.job(job).action("queued").bytes();
            try (ConfigurableApplicationContext first = start()) {
                assertThat(client(first)
                                .deliver("workflow_job", queuedDelivery, queued)
                                .statusCode())
                        .isEqualTo(202);
                assertThat(client(first)
                                .deliver(
                                        "workflow_job",
                                        Payloads.job(job).action("in_progress").bytes())
                                .statusCode())
                        .isEqualTo(202);
            }
            try (ConfigurableApplicationContext second = start()) {
                HttpResponse<String> redelivery = client(second).deliver("workflow_job", queuedDelivery, queued);
                assertThat(redelivery.body()).contains("\"outcome\":\"duplicate\"");
                JobLedger ledger = second.getBean(JobLedger.class);
                assertThat(ledger.find(job).orElseThrow().status()).isEqualTo(JobStatus.IN_PROGRESS);
                client(second)
                        .deliver(
                                "workflow_job",
                                Payloads.job(job).action("completed").bytes());
                assertThat(ledger.find(job).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            }
        }

        @Test
        void stoppingInTheMiddleOfABurstKeepsEveryAcknowledgedDelivery() throws Exception {
            List<Long> jobs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                jobs.add(JOB_IDS.incrementAndGet());
            }
            Map<Long, Integer> answers = new ConcurrentHashMap<>();
            ConfigurableApplicationContext first = start();
            WebhookClient client = client(first);
            ExecutorService senders = Executors.newFixedThreadPool(8);
            List<Future<?>> sent = new ArrayList<>();
            for (long job : jobs) {
                sent.add(senders.submit(() -> {
                    try {
                        answers.put(
                                job,
                                client.deliver(
                                                "workflow_job",
                                                "m-" + job,
                                                Payloads.job(job).bytes())
                                        .statusCode());
                    } catch (UncheckedIOException e) {
                        answers.put(job, -1); // connection refused or closed: never acknowledged
                    }
                }));
            }
            // stop while the burst is still arriving
            org.awaitility.Awaitility.await().until(() -> answers.size() >= 30);
            first.close();
            for (Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();
            try (ConfigurableApplicationContext second = start()) {
                JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
                List<Long> acknowledged = answers.entrySet().stream()
                        .filter(e -> e.getValue() == 202)
                        .map(Map.Entry::getKey)
                        .toList();
                assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(30);
                for (long job : acknowledged) {
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM workflow_jobs WHERE id = ?", Long.class, job))
                            .as("acknowledged job %d", job)
                            .isEqualTo(1);
                }
                // what was not acknowledged, GitHub counts as failed; its redelivery goes to the new instance
                WebhookClient again = client(second);
                for (long job : jobs) {
                    if (answers.get(job) != 202) {
                        assertThat(again.deliver(
                                                "workflow_job",
                                                "m-" + job,
                                                Payloads.job(job).bytes())
                                        .statusCode())
                                .isEqualTo(202);
                    }
                }
                for (long job : jobs) {
                    assertThat(second.getBean(JobLedger.class).find(job))
                            .as("job %d", job)
                            .isPresent();
                }
            }
        }
    }
}
