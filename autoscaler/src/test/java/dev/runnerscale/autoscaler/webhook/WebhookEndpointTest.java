package dev.runnerscale.autoscaler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class WebhookEndpointTest extends AutoscalerTestBase {

    @Autowired
    JobLedger ledger;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry registry;

    private double deliveries(String outcome) {
        return registry.find("runnerscale_webhook_deliveries").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private long storedDeliveries(String deliveryId) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM webhook_deliveries WHERE delivery_id = ?", Long.class, deliveryId);
    }

    private HttpResponse<String> post(
            String deliveryId, String event, String contentType, String signature, byte[] body) {
        HttpRequest.Builder request =
                client().request("/webhooks/github").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (deliveryId != null) {
            request.header("X-GitHub-Delivery", deliveryId);
        }
        if (event != null) {
            request.header("X-GitHub-Event", event);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return client().send(request.build());
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status).contains("\"title\"");
    }

    @Nested
    class AcceptedJobs {

        @Test
        void aSignedQueuedJobIsCommittedBeforeThe202() {
            long job = nextJobId();
            HttpResponse<String> response =
                    client().deliver("workflow_job", Payloads.job(job).bytes());
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).contains("\"outcome\":\"accepted\"");
            // no waiting: the answer came after the commit
            LedgerJob row = ledger.find(job).orElseThrow();
            assertThat(row.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(row.pool()).isEqualTo("linux-x64-spot");
        }

        @Test
        void aDeliverySignedWithTheOldSecretOfARotationIsAccepted() {
            long job = nextJobId();
            byte[] body = Payloads.job(job).bytes();
            HttpResponse<String> response = new WebhookClient(port, OLD_SECRET).deliver("workflow_job", body);
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(ledger.find(job)).isPresent();
        }

        @Test
        void aRedeliveryIsAcknowledgedAsDuplicateAndCountedOnce() {
            long job = nextJobId();
            String deliveryId = UUID.randomUUID().toString();
            byte[] body = Payloads.job(job).bytes();
            double duplicatesBefore = deliveries("duplicate");
            assertThat(client().deliver("workflow_job", deliveryId, body).statusCode())
                    .isEqualTo(202);
            HttpResponse<String> again = client().deliver("workflow_job", deliveryId, body);
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(again.body()).contains("\"outcome\":\"duplicate\"");
            assertThat(deliveries("duplicate")).isEqualTo(duplicatesBefore + 1);
        }

        @Test
        void theMostSpecificPoolWinsAndUnmatchedJobsAreRecordedWithoutPool() {
            long large = nextJobId();
            long unmatched = nextJobId();
            client().deliver(
                            "workflow_job",
                            Payloads.job(large).labels("self-hosted", "LARGE").bytes());
            HttpResponse<String> response = client().deliver(
                            "workflow_job",
                            Payloads.job(unmatched).labels("ubuntu-latest").bytes());
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).contains("\"outcome\":\"unmatched\"");
            assertThat(ledger.find(large).orElseThrow().pool()).isEqualTo("linux-x64-large");
            assertThat(ledger.find(unmatched).orElseThrow().pool()).isNull();
        }

        @Test
        void aJobWaitingForApprovalArrivingAsQueuedIsStoredAsWaiting() {
            long job = nextJobId();
            client().deliver(
                            "workflow_job",
                            Payloads.job(job).action("queued").status("waiting").bytes());
            assertThat(ledger.find(job).orElseThrow().status()).isEqualTo(JobStatus.WAITING);
        }
    }

    @Nested
    class RealGitHubPayloads {

        @Test
        void everySharedWorkflowJobExampleGoesThroughTheLedger() {
            for (String file : List.of(
                    "workflow_job.queued.payload.json",
                    "workflow_job.queued.with-deployment.payload.json",
                    "workflow_job.waiting.payload.json",
                    "workflow_job.in_progress.payload.json",
                    "workflow_job.in_progress.with-queued-steps.payload.json",
                    "workflow_job.completed.success.with-organization.payload.json",
                    "workflow_job.completed.failure.with-organization.payload.json")) {
                long job = nextJobId();
                byte[] body = Payloads.shared(file, root -> {
                    root.withObject("/workflow_job").put("id", job);
                    root.withObject("/workflow_job")
                            .putArray("labels")
                            .add("self-hosted")
                            .add("linux");
                    root.withObject("/repository").put("private", true);
                    // our pools serve organisation acme: a job of another owner would be no pool's (unmatched)
                    root.withObject("/repository/owner").put("login", "acme");
                    root.withObject("/repository").put("full_name", "acme/x-" + file.length());
                });
                HttpResponse<String> response = client().deliver("workflow_job", body);
                assertThat(response.statusCode())
                        .as(file + ": " + response.body())
                        .isEqualTo(202);
                LedgerJob row = ledger.find(job).orElseThrow();
                assertThat(row.pool()).isEqualTo("linux-x64-spot");
                String expected = file.contains("deployment") ? "waiting" : file.split("\\.")[1];
                assertThat(row.status().wire()).as(file).isEqualTo(expected);
            }
        }

        @Test
        void aPingIsAnsweredOk() {
            byte[] body = Payloads.shared("ping.payload.json", root -> {});
            HttpResponse<String> response = client().deliver("ping", body);
            assertThat(response.statusCode()).isEqualTo(200);
        }

        @Test
        void aPublicRepositoryIsRefusedByDefaultButRecorded() {
            long job = nextJobId();
            double refusedBefore = deliveries("refused");
            byte[] body = Payloads.shared("workflow_job.queued.payload.json", root -> {
                root.withObject("/workflow_job").put("id", job);
                root.withObject("/workflow_job").putArray("labels").add("self-hosted");
                root.withObject("/repository/owner").put("login", "Octocoders"); // allowed owner, public repository
            });
            HttpResponse<String> response = client().deliver("workflow_job", body);
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).contains("\"outcome\":\"refused\"");
            LedgerJob row = ledger.find(job).orElseThrow();
            assertThat(row.refused()).isTrue();
            assertThat(deliveries("refused")).isEqualTo(refusedBefore + 1);
        }
    }

    @Nested
    class Policy {

        @Test
        void anOwnerNotOnTheAllowListIsRefusedAndNeverDemand() {
            long job = nextJobId();
            HttpResponse<String> response = client().deliver(
                            "workflow_job",
                            Payloads.job(job)
                                    .repository("stranger", "app", true)
                                    .bytes());
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(ledger.find(job).orElseThrow().refused()).isTrue();
        }

        @Test
        void aRepositoryOnTheAllowListIsAdmittedEvenIfItsOwnerIsNot() {
            long job = nextJobId();
            HttpResponse<String> response = client().deliver(
                            "workflow_job",
                            Payloads.job(job)
                                    .repository("partner", "tools-ci", true)
                                    .bytes());
            // admitted (not refused); no pool serves organisation partner, so it is no pool's demand
            assertThat(response.body()).contains("\"outcome\":\"unmatched\"");
            assertThat(ledger.find(job).orElseThrow().refused()).isFalse();
            assertThat(ledger.find(job).orElseThrow().pool()).isNull();
        }
    }

    @Nested
    class BadInputIsRefusedAndStoresNothing {

        @Test
        void aMissingSignatureIs401() {
            long job = nextJobId();
            String id = UUID.randomUUID().toString();
            double before = deliveries("unsigned");
            assertProblem(
                    post(
                            id,
                            "workflow_job",
                            "application/json",
                            null,
                            Payloads.job(job).bytes()),
                    401);
            assertThat(deliveries("unsigned")).isEqualTo(before + 1);
            assertThat(ledger.find(job)).isEmpty();
            assertThat(storedDeliveries(id)).isZero();
        }

        @Test
        void aWrongOrMalformedSignatureIs401() {
            long job = nextJobId();
            byte[] body = Payloads.job(job).bytes();
            for (String signature : List.of(
                    WebhookClient.sign("not-our-secret", body),
                    WebhookClient.sign(SECRET, body).replace("sha256=", "sha1="),
                    "sha256=zz" + WebhookClient.sign(SECRET, body).substring(9),
                    WebhookClient.sign(SECRET, Arrays.copyOf(body, body.length - 1)),
                    "")) {
                assertProblem(
                        post(UUID.randomUUID().toString(), "workflow_job", "application/json", signature, body), 401);
            }
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void malformedJsonIs400() {
            byte[] body = "{\"action\":\"queued\",\"workflow_job\":{".getBytes(StandardCharsets.UTF_8);
            assertProblem(client().deliver("workflow_job", body), 400);
        }

        @Test
        void missingOrMistypedRequiredFieldsAre400() {
            long job = nextJobId();
            List<java.util.function.Consumer<tools.jackson.databind.node.ObjectNode>> breakages = List.of(
                    root -> root.remove("workflow_job"),
                    root -> root.withObject("/workflow_job").remove("id"),
                    root -> root.withObject("/workflow_job").put("id", "twelve"),
                    root -> root.withObject("/workflow_job").remove("labels"),
                    root -> root.withObject("/workflow_job").put("labels", "self-hosted"),
                    root -> root.withObject("/workflow_job").put("created_at", "yesterday"),
                    root -> root.remove("repository"),
                    root -> root.withObject("/repository").remove("private"),
                    root -> root.remove("action"));
            for (var breakage : breakages) {
                tools.jackson.databind.node.ObjectNode root = Payloads.job(job).node();
                breakage.accept(root);
                byte[] body = root.toString().getBytes(StandardCharsets.UTF_8);
                assertProblem(client().deliver("workflow_job", body), 400);
            }
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void missingEventOrDeliveryHeadersAre400() {
            long job = nextJobId();
            byte[] body = Payloads.job(job).bytes();
            String signature = WebhookClient.sign(SECRET, body);
            assertProblem(post(UUID.randomUUID().toString(), null, "application/json", signature, body), 400);
            assertProblem(post(null, "workflow_job", "application/json", signature, body), 400);
            assertProblem(post("bad id with spaces", "workflow_job", "application/json", signature, body), 400);
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void aBodyOverTheLimitIs413BeforeAnythingElse() {
            long job = nextJobId();
            byte[] body = Payloads.job(job).paddedTo(70 * 1024).bytes(); // the test limit is 64 KB
            assertProblem(client().deliver("workflow_job", body), 413);
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void aBodyOverTheLimitWithoutContentLengthIs413() {
            long job = nextJobId();
            byte[] body = Payloads.job(job).paddedTo(70 * 1024).bytes();
            HttpRequest request = client().request("/webhooks/github")
                    .header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "workflow_job")
                    .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .header("X-Hub-Signature-256", WebhookClient.sign(SECRET, body))
                    // a streamed publisher of unknown length: chunked transfer encoding
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                    .build();
            assertProblem(client().send(request), 413);
            assertThat(ledger.find(job)).isEmpty();
        }

        @Test
        void nonJsonIs415() {
            long job = nextJobId();
            byte[] body = ("payload=" + Payloads.job(job).node()).getBytes(StandardCharsets.UTF_8);
            String signature = WebhookClient.sign(SECRET, body);
            assertProblem(
                    post(
                            UUID.randomUUID().toString(),
                            "workflow_job",
                            "application/x-www-form-urlencoded",
                            signature,
                            body),
                    415);
            assertProblem(post(UUID.randomUUID().toString(), "workflow_job", null, signature, body), 415);
            assertProblem(post(UUID.randomUUID().toString(), "workflow_job", "not a media type", signature, body), 415);
            assertThat(ledger.find(job)).isEmpty();
        }
    }

    @Nested
    class IgnoredDeliveries {

        @Test
        void otherEventsAndOtherActionsAre204() {
            byte[] push = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(client().deliver("push", push).statusCode()).isEqualTo(204);
            long job = nextJobId();
            tools.jackson.databind.node.ObjectNode root = Payloads.job(job).node();
            root.put("action", "requested");
            HttpResponse<String> response =
                    client().deliver("workflow_job", root.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(ledger.find(job)).isEmpty();
        }
    }

    @Test
    void metricsAreExposedForPrometheusWithBoundedTags() {
        long job = nextJobId();
        client().deliver("workflow_job", Payloads.job(job).action("queued").bytes());
        client().deliver("workflow_job", Payloads.job(job).action("in_progress").bytes());
        client().deliver("workflow_job", Payloads.job(job).action("completed").bytes());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> scrape = management().get("/actuator/prometheus", null);
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("gha_started_jobs_total{")
                    .contains("gha_completed_jobs_total{")
                    .contains("job_result=\"success\"")
                    .contains("gha_job_startup_duration_seconds_bucket{")
                    .contains("gha_job_execution_duration_seconds_bucket{")
                    .contains("runnerscale_webhook_deliveries_total{")
                    .contains("runnerscale_webhook_processing_seconds_bucket{")
                    .contains("runnerscale_jobs_queued{")
                    .doesNotContain(String.valueOf(job));
        });
    }

    @Test
    void theWebhookRouteIsTimedOnceByItsOwnMetricAndOtherRoutesByTheGenericOne() {
        client().deliver(
                        "workflow_job",
                        Payloads.job(nextJobId()).action("queued").bytes());
        client().get("/api/v1/pools", API_TOKEN);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = management().get("/actuator/prometheus", null).body();
            assertThat(scrape)
                    .contains("runnerscale_webhook_processing_seconds_count{event=\"workflow_job\"")
                    .contains("uri=\"/api/v1/pools\"")
                    .doesNotContain("uri=\"/webhooks/github\"");
        });
    }
}
