package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runners feature in the real application: a signed {@code queued} webhook becomes a runner pod on the API
 * server (GitHub in dry-run: registration skipped, never fabricated), visible in the operator view and the metrics.
 */
class RunnersApiTest extends AutoscalerTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static KubernetesClient kubernetes;

    @BeforeAll
    static void openKubernetes() {
        kubernetes = KubernetesTestServer.shared().client();
    }

    @AfterAll
    static void closeKubernetes() {
        kubernetes.close();
    }

    private HttpResponse<String> get(String path) {
        return client().get(path, API_TOKEN);
    }

    private static List<Pod> largePods() {
        return kubernetes
                .pods()
                .inNamespace("runnerscale-runners")
                .withLabel(RunnerPodFactory.POOL_LABEL, "linux-x64-large")
                .list()
                .getItems();
    }

    @Test
    void queuedWebhookBecomesARunnerPodShownInTheOperatorViewAndMetrics() {
        await().until(() -> largePods().size() >= 1); // min-idle 1: a warm runner without any job
        int before = largePods().size();

        client().deliver(
                        "workflow_job",
                        Payloads.job(nextJobId())
                                .labels("self-hosted", "linux", "x64", "large")
                                .bytes());

        await().until(() -> largePods().size() > before);
        assertThat(largePods())
                .allSatisfy(p -> assertThat(p.getMetadata().getAnnotations())
                        .containsEntry(RunnerPodFactory.REGISTRATION_ANNOTATION, RunnerPodFactory.REGISTRATION_SKIPPED)
                        .doesNotContainKey(RunnerPodFactory.RUNNER_ID_ANNOTATION));

        JsonNode runners = JSON.readTree(get("/api/v1/runners").body()).get("items");
        assertThat(runners.valueStream().filter(r -> r.get("pool").asString().equals("linux-x64-large")))
                .hasSizeGreaterThan(before)
                .allSatisfy(r -> {
                    assertThat(r.get("pod").asString()).startsWith("linux-x64-large-");
                    // pending, or running without registration once another test played kubelet: never idle
                    assertThat(r.get("state").asString()).isIn("pending", "unregistered");
                    assertThat(r.get("runnerId").isNull()).isTrue();
                });

        JsonNode pool = JSON.readTree(get("/api/v1/pools/linux-x64-large").body());
        assertThat(pool.get("min").asInt()).isEqualTo(1);
        assertThat(pool.get("max").asInt()).isEqualTo(5);
        assertThat(pool.get("desired").asInt()).isBetween(2, 5);
        assertThat(pool.get("lastDecision").get("reason").asString()).isNotBlank();

        await().untilAsserted(() -> assertThat(
                        management().get("/actuator/prometheus", null).body())
                .contains(
                        "gha_max_runners{name=\"linux-x64-large\",namespace=\"runnerscale-runners\",pool=\"linux-x64-large\"} 5.0")
                .contains(
                        "gha_min_runners{name=\"linux-x64-large\",namespace=\"runnerscale-runners\",pool=\"linux-x64-large\"} 1.0")
                .contains("runnerscale_reconcile_seconds_count{pool=\"linux-x64-large\"}")
                .contains("runnerscale_scale_events_total{direction=\"up\",pool=\"linux-x64-large\""));
    }

    @Test
    void runningDryRunPodIsUnregisteredNeverAnIdleRegisteredRunnerYetOccupiesCapacity() {
        await().until(() -> !largePods().isEmpty());
        Pod pod = largePods().get(0);
        String podName = pod.getMetadata().getName();
        // Play kubelet for this one pod: Running, although GitHub never heard of it (registration skipped).
        kubernetes
                .pods()
                .inNamespace("runnerscale-runners")
                .withName(podName)
                .editStatus(p -> new PodBuilder(p)
                        .withNewStatus()
                        .withPhase("Running")
                        .withStartTime(Instant.now().toString())
                        .endStatus()
                        .build());

        await().untilAsserted(() -> {
            JsonNode runner = JSON.readTree(get("/api/v1/runners").body())
                    .get("items")
                    .valueStream()
                    .filter(r -> r.get("pod").asString().equals(podName))
                    .findFirst()
                    .orElseThrow();
            assertThat(runner.get("state").asString()).isEqualTo("unregistered");
            assertThat(runner.get("runnerId").isNull()).isTrue();
        });
        JsonNode pool = JSON.readTree(get("/api/v1/pools/linux-x64-large").body());
        assertThat(pool.get("unregistered").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(pool.get("idle").asLong()).isZero();
        assertThat(pool.get("busy").asLong()).isZero();
        await().untilAsserted(
                        () -> assertThat(management()
                                        .get("/actuator/prometheus", null)
                                        .body())
                                .contains(
                                        "gha_registered_runners{name=\"linux-x64-large\",namespace=\"runnerscale-runners\",pool=\"linux-x64-large\"} 0.0")
                                .contains(
                                        "gha_idle_runners{name=\"linux-x64-large\",namespace=\"runnerscale-runners\",pool=\"linux-x64-large\"} 0.0"));
        // Still capacity for the policy: the running pod is kept and the pool never exceeds its max.
        assertThat(largePods()).extracting(p -> p.getMetadata().getName()).contains(podName);
        assertThat(largePods()).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void unknownPoolIsANotFoundProblem() {
        HttpResponse<String> response = get("/api/v1/pools/no-such-pool");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("no-such-pool");
    }

    @Test
    void operatorViewNeedsTheApiToken() {
        assertThat(client().get("/api/v1/runners", null).statusCode()).isEqualTo(401);
    }
}
