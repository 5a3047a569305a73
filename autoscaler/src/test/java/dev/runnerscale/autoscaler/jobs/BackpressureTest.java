package dev.runnerscale.autoscaler.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The intake never acknowledges before the commit, and sheds load with a 503 problem when its queue is full. */
class BackpressureTest {

    @Test
    void aDeliveryWaitsForItsCommitAndAFullQueueAnswers503WithRetryAfter() throws Exception {
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("runnerscale.ledger.queue-capacity", "1");
        properties.put("runnerscale.ledger.writers", "1");
        properties.put("runnerscale.webhook.acknowledge-timeout", "20s");
        // The ledger is under test, not the runners (their replicas and restarts are RunnerScenariosTest's). Each
        // context here would otherwise lead on its own and create pods in the shared mock API server, and a context
        // closed while its pod watch still has events in flight stalls that server's event loop for up to a minute.
        properties.put("runnerscale.runners.enabled", "false");
        try (ConfigurableApplicationContext context =
                SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties))) {
            WebhookClient client = new WebhookClient(
                    Integer.parseInt(context.getEnvironment().getProperty("local.server.port")),
                    AutoscalerTestBase.SECRET);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            long held = AutoscalerTestBase.nextJobId();
            long queued = AutoscalerTestBase.nextJobId();
            assertThat(client.deliver("workflow_job", Payloads.job(held).bytes())
                            .statusCode())
                    .isEqualTo(202);

            CompletableFuture<HttpResponse<String>> first;
            CompletableFuture<HttpResponse<String>> second;
            // another transaction holds the job's row: the writer's upsert has to wait for it
            try (Connection lock = context.getBean(DataSource.class).getConnection()) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT * FROM workflow_jobs WHERE id = " + held + " FOR UPDATE");
                }
                first = CompletableFuture.supplyAsync(() -> client.deliver(
                        "workflow_job", Payloads.job(held).action("in_progress").bytes()));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> jdbc.queryForObject(
                                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
                                        Long.class)
                                >= 1);
                second = CompletableFuture.supplyAsync(() ->
                        client.deliver("workflow_job", Payloads.job(queued).bytes()));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> registry.get("runnerscale_ledger_queue_depth")
                                        .gauge()
                                        .value()
                                == 1);

                HttpResponse<String> shed = client.deliver(
                        "workflow_job",
                        Payloads.job(AutoscalerTestBase.nextJobId()).bytes());
                assertThat(shed.statusCode()).isEqualTo(503);
                assertThat(shed.headers().firstValue("Retry-After")).contains("1");
                assertThat(shed.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                // not committed, so not acknowledged
                assertThat(first).isNotDone();
                assertThat(second).isNotDone();
                lock.rollback();
            }
            assertThat(first.get().statusCode()).isEqualTo(202);
            assertThat(second.get().statusCode()).isEqualTo(202);
            assertThat(context.getBean(JobLedger.class).find(held).orElseThrow().status())
                    .isEqualTo(JobStatus.IN_PROGRESS);
            assertThat(context.getBean(JobLedger.class).find(queued)).isPresent();
        }
    }
}
