package dev.runnerscale.autoscaler.cost.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.LocalCluster;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole application on the local default's cluster ({@link LocalCluster}: EKS-labelled nodes, a kubelet that
 * schedules and ends a runner once its job completed), driven only through its public doors: signed webhooks in, the
 * operator API and the metrics out. A job gets a cost to the 1/10,000 of a cent, the finance report and the counters
 * agree with it.
 */
class CostEndToEndTest {

    private static final String NAMESPACE = "cost-end-to-end";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KubernetesTestServer kubernetes;
    private KubernetesClient client;
    private Kubelet kubelet;
    private ConfigurableApplicationContext app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        kubernetes = new KubernetesTestServer();
        client = kubernetes.client();
        LocalCluster.addNodes(client);
        String url = EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared());
        kubelet = LocalCluster.kubelet(client, NAMESPACE, url, "postgres", "postgres");
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("spring.datasource.url", url);
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("runnerscale.kubernetes.master-url", kubernetes.url());
        properties.put("runnerscale.cost.spot-price-source", "static");
        for (int i = 0; i < 2; i++) {
            String prefix = "runnerscale.pools[" + i + "].";
            properties.put(prefix + "name", "priced-" + i);
            properties.put(prefix + "labels", "self-hosted,linux,priced-" + i);
            properties.put(prefix + "namespace", NAMESPACE);
            properties.put(prefix + "min-idle", "0");
            properties.put(prefix + "max", "3");
            properties.put(prefix + "idle-timeout", "2s");
        }
        app = SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties));
    }

    @AfterEach
    void stop() {
        app.close();
        kubelet.close();
        client.close();
        kubernetes.close();
    }

    private int port(String property) {
        return Integer.parseInt(app.getEnvironment().getProperty(property));
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("local.server.port") + path))
                        .header("Authorization", "Bearer " + AutoscalerTestBase.API_TOKEN)
                        .header("Accept", accept)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
    }

    private byte[] delivery(long job, String action, String runnerName) {
        ObjectNode event = Payloads.job(job)
                .action(action)
                .status(action)
                .labels("self-hosted", "linux", "priced-0")
                .node();
        ObjectNode workflowJob = (ObjectNode) event.get("workflow_job");
        String now = java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        workflowJob.put("created_at", now);
        if (runnerName != null) {
            workflowJob.put("runner_name", runnerName).put("runner_id", 42).put("started_at", now);
        } else {
            workflowJob.put("started_at", now);
        }
        if (action.equals("completed")) {
            workflowJob.remove("started_at"); // the earliest start already recorded stays
            workflowJob.put("completed_at", now);
        }
        return JSON.writeValueAsBytes(event);
    }

    @Test
    void aJobOnARunnerOfALabelledNodeHasACostAndTheReportAndTheCountersAgree() throws Exception {
        WebhookClient webhooks = new WebhookClient(port("local.server.port"), AutoscalerTestBase.SECRET);
        long job = AutoscalerTestBase.nextJobId();
        assertThat(webhooks.deliver("workflow_job", delivery(job, "queued", null))
                        .statusCode())
                .isEqualTo(202);

        // scheduled onto a spot node (the pool asks Karpenter for spot) and running
        await().atMost(Duration.ofSeconds(60))
                .until(() -> pods().size() == 1
                        && pods().get(0).getSpec().getNodeName() != null
                        && "Running".equals(pods().get(0).getStatus().getPhase()));
        Pod pod = pods().get(0);
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("karpenter.sh/capacity-type", "spot");
        String runner = pod.getMetadata().getAnnotations().get("runnerscale.dev/runner-name");
        assertThat(webhooks.deliver("workflow_job", delivery(job, "in_progress", runner))
                        .statusCode())
                .isEqualTo(202);
        assertThat(webhooks.deliver("workflow_job", delivery(job, "completed", runner))
                        .statusCode())
                .isEqualTo(202);

        // the runner exits, its pod is removed and priced
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        !get("/api/v1/jobs/" + job, "application/json").body().contains("\"cost\":null"));
        JsonNode cost = JSON.readTree(
                        get("/api/v1/jobs/" + job, "application/json").body())
                .path("cost");
        assertThat(cost.path("instanceType").asString()).isEqualTo("m5.2xlarge");
        assertThat(cost.path("zone").asString()).isEqualTo("us-east-1a");
        assertThat(cost.path("capacityType").asString()).isEqualTo("spot");
        BigDecimal usd = new BigDecimal(cost.path("usd").asString());
        assertThat(usd.scale()).isEqualTo(6);
        assertThat(usd).isPositive();
        assertThat(new BigDecimal(cost.path("onDemandUsd").asString())).isGreaterThan(usd);
        // a job on a GitHub-hosted linux-2-core runner: one started minute at 0.006 USD
        assertThat(cost.path("githubHostedUsd").asString()).isEqualTo("0.006000");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode report =
                JSON.readTree(get("/api/v1/costs?from=" + today + "&to=" + today + "&group-by=pool", "application/json")
                        .body());
        JsonNode item = null;
        for (JsonNode i : report.path("items")) {
            if ("priced-0".equals(i.path("key").asString())) {
                item = i;
            }
        }
        assertThat(item).isNotNull();
        assertThat(item.path("jobs").asLong()).isEqualTo(1);
        assertThat(new BigDecimal(item.path("usd").asString())).isEqualByComparingTo(usd);
        assertThat(get("/api/v1/costs?from=" + today + "&to=" + today + "&group-by=pool", "text/csv")
                        .body())
                .contains("priced-0,1,");

        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + port("local.management.port") + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher counter = Pattern.compile(
                        "runnerscale_cost_usd_total\\{capacity_type=\"spot\",pool=\"priced-0\"} ([0-9.Ee-]+)")
                .matcher(metrics);
        assertThat(counter.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(counter.group(1))).isEqualTo(usd.doubleValue());
    }
}
