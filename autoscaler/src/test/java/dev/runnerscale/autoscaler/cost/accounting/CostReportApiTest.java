package dev.runnerscale.autoscaler.cost.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.cost.Money;
import dev.runnerscale.autoscaler.cost.Requests;
import dev.runnerscale.autoscaler.cost.RunnerCost;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The finance report in the real application over a month (February 2025) of generated jobs on nodes of three
 * instance types, on-demand and spot (spot without a price source: unpriced), totals against the counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostReportApiTest extends AutoscalerTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long GIB = 1L << 30;
    private static final String[] REPOSITORIES = {"api", "web", "docs", "tools"};
    private static final String[] WORKFLOWS = {"CI", "Release, nightly", "Lint \"quick\""};
    private static final int JOBS = 280;

    @Autowired
    CostAccountant accountant;

    @Autowired
    CostMetrics metrics;

    @Autowired
    KubernetesNodes nodes;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private BigDecimal expectedTotal = Money.ZERO;
    private BigDecimal expectedIdle = Money.ZERO;
    private BigDecimal counterTotal;
    private BigDecimal counterIdle;
    private final List<Long> jobIds = new ArrayList<>();
    private int unpriced;

    private static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private BigDecimal costCounters() {
        BigDecimal sum = Money.ZERO;
        for (String pool : List.of("linux-x64-spot", "linux-x64-large")) {
            for (String type : List.of("spot", "on_demand", "unknown")) {
                sum = sum.add(metrics.total("runnerscale_cost_usd", "pool", pool, "capacity_type", type));
            }
        }
        return sum;
    }

    private BigDecimal idleCounters() {
        return metrics.total("runnerscale_idle_cost_usd", "pool", "linux-x64-spot")
                .add(metrics.total("runnerscale_idle_cost_usd", "pool", "linux-x64-large"));
    }

    private static void node(KubernetesClient client, String name, Map<String, String> labels, String cpu, String mem) {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewStatus()
                        .addToAllocatable("cpu", new Quantity(cpu))
                        .addToAllocatable("memory", new Quantity(mem))
                        .endStatus()
                        .build())
                .createOr(existing -> existing.update());
    }

    @BeforeAll
    void aMonthOfJobs() {
        KubernetesClient client = KubernetesTestServer.shared().client();
        node(
                client,
                "cost-od-a",
                Map.of(
                        "node.kubernetes.io/instance-type", "m5.large",
                        "topology.kubernetes.io/zone", "us-east-1a",
                        "karpenter.sh/capacity-type", "on-demand"),
                "1930m",
                "7Gi");
        node(
                client,
                "cost-od-b",
                Map.of(
                        "node.kubernetes.io/instance-type", "c5.xlarge",
                        "topology.kubernetes.io/zone", "us-east-1b",
                        "eks.amazonaws.com/capacityType", "ON_DEMAND"),
                "3920m",
                "6Gi");
        node(
                client,
                "cost-spot",
                Map.of(
                        "node.kubernetes.io/instance-type", "c6i.xlarge",
                        "topology.kubernetes.io/zone", "us-east-1c",
                        "karpenter.sh/capacity-type", "spot"),
                "3920m",
                "6Gi");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> nodes.facts("cost-od-a").isPresent()
                        && nodes.facts("cost-od-b").isPresent()
                        && nodes.facts("cost-spot").isPresent());

        BigDecimal countersBefore = costCounters();
        BigDecimal idleBefore = idleCounters();
        Instant month = Instant.parse("2025-02-01T00:00:00Z");
        for (int i = 0; i < JOBS; i++) {
            long id = nextJobId();
            jobIds.add(id);
            Instant runnerStart = month.plus(Duration.ofDays(i % 28)).plus(Duration.ofMinutes(7L * i % 1200));
            Instant jobStart = runnerStart.plusSeconds(90 + i % 60);
            Instant jobEnd = jobStart.plusSeconds(300 + 37L * i % 2400);
            Instant runnerEnd = jobEnd.plusSeconds(5);
            String pool = i % 3 == 0 ? "linux-x64-large" : "linux-x64-spot";
            String runner = "rs-cost-" + id;
            jdbc.update(
                    """
                    INSERT INTO workflow_jobs (id, run_id, run_attempt, owner, repository, workflow_name, job_name,
                        labels, status_rank, conclusion, queued_at, started_at, completed_at, runner_id, runner_name,
                        pool, refused, last_delivery_id, first_received_at, last_received_at, prev_status_rank)
                    VALUES (?, ?, 1, 'acme', ?, ?, 'build', '["self-hosted"]'::jsonb, 3, 'success', ?, ?, ?, 1, ?, ?,
                        false, 'd', ?, ?, -1)
                    """,
                    id,
                    id,
                    REPOSITORIES[i % 4],
                    WORKFLOWS[i % 3],
                    ts(runnerStart),
                    ts(jobStart),
                    ts(jobEnd),
                    runner,
                    pool,
                    ts(runnerStart),
                    ts(jobEnd));
            String nodeName = i % 10 == 9 ? "cost-spot" : (i % 2 == 0 ? "cost-od-a" : "cost-od-b");
            Requests requests =
                    pool.equals("linux-x64-large") ? new Requests(1500, 3 * GIB) : new Requests(1000, 2 * GIB);
            RunnerCost cost = accountant
                    .runnerEnded(new RunnerEnded(
                            pool,
                            pool + "-" + (i % 10),
                            runner,
                            id,
                            nodeName,
                            requests,
                            runnerStart,
                            runnerEnd,
                            null,
                            null))
                    .orElseThrow();
            if (cost.known()) {
                expectedTotal = expectedTotal.add(cost.usd());
            } else {
                unpriced++;
            }
        }
        // two warm runners that never got a job: idle cost of their pool
        for (int i = 0; i < 2; i++) {
            Instant start = month.plus(Duration.ofDays(3 + i));
            RunnerCost idle = accountant
                    .runnerEnded(new RunnerEnded(
                            "linux-x64-spot",
                            "linux-x64-spot-9",
                            "rs-cost-idle-" + nextJobId(),
                            null,
                            "cost-od-a",
                            new Requests(1000, 2 * GIB),
                            start,
                            start.plus(Duration.ofMinutes(10)),
                            null,
                            null))
                    .orElseThrow();
            expectedIdle = expectedIdle.add(idle.usd());
        }
        counterTotal = costCounters().subtract(countersBefore);
        counterIdle = idleCounters().subtract(idleBefore);
    }

    private HttpResponse<String> get(String query, String accept, boolean token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/costs" + query))
                .header("Accept", accept)
                .GET();
        if (token) {
            b.header("Authorization", "Bearer " + API_TOKEN);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode report(String groupBy) {
        HttpResponse<String> r = get("?from=2025-02-01&to=2025-02-28&group-by=" + groupBy, "application/json", true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Nested
    class Json {

        @ParameterizedTest
        @CsvSource({"repository, 4", "workflow, 12", "pool, 2", "day, 28", "month, 1"})
        void everyGroupingAddsUpToTheSumOfThePerJobCostsAndToTheCounters(String groupBy, int groups) {
            JsonNode report = report(groupBy);
            assertThat(report.get("currency").asString()).isEqualTo("USD");
            assertThat(report.get("groupBy").asString()).isEqualTo(groupBy);
            assertThat(report.get("from").asString()).isEqualTo("2025-02-01");
            assertThat(report.get("items")).hasSize(groups);
            BigDecimal items = Money.ZERO;
            long jobs = 0;
            for (JsonNode item : report.get("items")) {
                items = items.add(new BigDecimal(item.get("usd").asString()));
                jobs += item.get("jobs").asLong();
                assertThat(item.get("onDemandUsd").asString()).matches("\\d+\\.\\d{6}");
                assertThat(item.get("githubHostedUsd").asString()).matches("\\d+\\.\\d{6}");
            }
            BigDecimal total = new BigDecimal(report.get("totalUsd").asString());
            assertThat(jobs).isEqualTo(JOBS);
            assertThat(report.get("unpricedJobs").asLong()).isEqualTo(unpriced).isEqualTo(28);
            assertThat(total).isEqualByComparingTo(items);
            assertThat(total).isEqualByComparingTo(expectedTotal);
            assertThat(total).isEqualByComparingTo(counterTotal);
            assertThat(total)
                    .isEqualByComparingTo(jdbc.queryForObject(
                                    "SELECT sum(usd_micros) FROM runner_costs WHERE job_id = ANY(?)",
                                    BigDecimal.class,
                                    (Object) jobIds.toArray(Long[]::new))
                            .movePointLeft(6));
            assertThat(new BigDecimal(report.get("idleUsd").asString()))
                    .isEqualByComparingTo(expectedIdle)
                    .isEqualByComparingTo(counterIdle);
            assertThat(total.signum()).isPositive();
        }

        @Test
        void aJobShowsItsCostAndAJobWithoutOneShowsNull() {
            HttpResponse<String> priced = client().get("/api/v1/jobs/" + jobIds.get(0), API_TOKEN);
            JsonNode cost = JSON.readTree(priced.body()).get("cost");
            assertThat(cost.get("usd").asString()).matches("0\\.\\d{6}");
            assertThat(cost.get("instanceType").asString()).isEqualTo("m5.large");
            assertThat(cost.get("zone").asString()).isEqualTo("us-east-1a");
            assertThat(cost.get("capacityType").asString()).isEqualTo("on_demand");
            assertThat(cost.get("runnerSeconds").asLong()).isPositive();
            assertThat(new BigDecimal(cost.get("waitingUsd").asString())
                            .add(new BigDecimal(cost.get("runningUsd").asString())))
                    .isEqualByComparingTo(cost.get("usd").asString());

            JsonNode unpricedJob = JSON.readTree(client().get("/api/v1/jobs/" + jobIds.get(9), API_TOKEN)
                            .body())
                    .get("cost");
            assertThat(unpricedJob.get("usd").isNull()).isTrue();
            assertThat(unpricedJob.get("capacityType").asString()).isEqualTo("spot");
        }
    }

    @Nested
    class Csv {

        @Test
        void theSameRowsAsCsvWithAHeaderAndRfc4180Quoting() {
            HttpResponse<String> r = get("?from=2025-02-01&to=2025-02-28&group-by=workflow", "text/csv", true);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                    .contains("costs-2025-02-01-2025-02-28-workflow.csv");
            String[] lines = r.body().split("\r\n");
            assertThat(lines[0]).isEqualTo("key,jobs,unpriced_jobs,usd,on_demand_usd,github_hosted_usd");
            assertThat(lines).hasSize(1 + 12);
            assertThat(r.body()).contains("\"acme/api:Release, nightly\",", "\"acme/web:Lint \"\"quick\"\"\",");
            JsonNode json = report("workflow");
            BigDecimal csvTotal = Money.ZERO;
            for (int i = 1; i < lines.length; i++) {
                List<String> cells = parse(lines[i]);
                assertThat(cells).hasSize(6);
                csvTotal = csvTotal.add(new BigDecimal(cells.get(3)));
                assertThat(cells.get(0))
                        .isEqualTo(json.get("items").get(i - 1).get("key").asString());
            }
            assertThat(csvTotal).isEqualByComparingTo(json.get("totalUsd").asString());
        }

        /** A small RFC 4180 reader, so the test checks what a spreadsheet would read. */
        private static List<String> parse(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            out.add(cell.toString());
            return out;
        }

        @Test
        void formulaLikeKeysAreDefused() {
            assertThat(CostReportController.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
            assertThat(CostReportController.field("acme/api")).isEqualTo("acme/api");
        }
    }

    @Nested
    class BadParameters {

        @ParameterizedTest(name = "{0}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "?from=2025-02-01&to=2025-02-28&group-by=owner",
                    "?from=2025-02-01&to=2025-02-28&group-by=",
                    "?from=2025-02-01&to=2025-02-28",
                    "?from=2025-03-01&to=2025-02-28&group-by=pool",
                    "?from=2024-01-01&to=2025-02-05&group-by=pool",
                    "?from=2025-2-1&to=2025-02-28&group-by=pool",
                    "?from=2025-02-30&to=2025-03-28&group-by=pool",
                    "?from=yesterday&to=2025-02-28&group-by=pool",
                    "?from=2025-02-01T00:00&to=2025-02-28&group-by=pool",
                    "?to=2025-02-28&group-by=pool",
                    "?from=2025-02-01&group-by=pool",
                    "?from=%00%ff&to=2025-02-28&group-by=pool",
                    "?from=+2025-02-01&to=2025-02-28&group-by=pool"
                })
        void answer400ProblemDetailsInJsonAndCsv(String query) {
            for (String accept : List.of("application/json", "text/csv")) {
                HttpResponse<String> r = get(query, accept, true);
                assertThat(r.statusCode()).as(accept + " " + r.body()).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(400);
            }
        }

        @Test
        void exactly400DaysIsAllowed() {
            assertThat(get("?from=2024-01-25&to=2025-02-27&group-by=month", "application/json", true)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get("?from=2024-01-24&to=2025-02-27&group-by=month", "application/json", true)
                            .statusCode())
                    .isEqualTo(400);
        }

        @Test
        void withoutTheTokenIs401() {
            assertThat(get("?from=2025-02-01&to=2025-02-28&group-by=pool", "application/json", false)
                            .statusCode())
                    .isEqualTo(401);
        }
    }
}
