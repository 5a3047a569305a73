package dev.runnerscale.autoscaler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runnerscale.autoscaler.queuetime.StuckReason;
import dev.runnerscale.autoscaler.queuetime.TimelineFacts.PodTimes;
import dev.runnerscale.autoscaler.queuetime.recording.JdbcQueueTimes;
import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Queue time through the operator API, on the shared application: the job's timeline with each stage's share of the
 * wait, and the pool's recent percentiles and stuck jobs. The shared application runs GitHub dry (no runner is ever
 * busy), so the test links a job to its runner pod's stages through the ledger itself, exactly as the recorder does.
 */
class QueueTimeApiTest extends AutoscalerTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String POOL = "linux-x64-spot";

    @Autowired
    JdbcQueueTimes queueTimes;

    private HttpResponse<String> get(String path) {
        return client().get(path, API_TOKEN);
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(status);
    }

    /** A delivery of the job with GitHub's times relative to {@code t0} (its {@code created_at}). */
    private void deliver(long job, String action, Instant t0) {
        ObjectNode root = Payloads.job(job).action(action).node();
        ObjectNode j = (ObjectNode) root.get("workflow_job");
        j.put("created_at", t0.toString());
        j.put(
                "started_at",
                action.equals("queued") ? t0.toString() : t0.plusSeconds(40).toString());
        if (action.equals("completed")) {
            j.put("completed_at", t0.plusSeconds(100).toString());
        }
        j.put("runner_name", action.equals("queued") ? null : "rs-" + job);
        assertThat(client().deliver("workflow_job", JSON.writeValueAsBytes(root))
                        .statusCode())
                .isEqualTo(202);
    }

    /**
     * A job queued at t0 and started at t0 + 40 s on a runner pod created at + 5 s, scheduled at + 15 s, registered at
     * + 20 s, started at + 30 s; completed at + 100 s, linked as the recorder links it.
     */
    private long ranJob(Instant t0) {
        long job = nextJobId();
        deliver(job, "queued", t0);
        deliver(job, "completed", t0);
        PodTimes pod = new PodTimes(
                "linux-x64-spot-3",
                t0.plusSeconds(5),
                t0.plusSeconds(15),
                Boolean.TRUE,
                t0.plusSeconds(20),
                t0.plusSeconds(30));
        assertThat(queueTimes.claim(job, pod, Duration.ZERO, t0.plusSeconds(41)))
                .isTrue();
        return job;
    }

    @Test
    void aJobShowsEveryStageInOrderWithItsShareOfTheWait() {
        // in the future of the wall clock, so that the delivery (received now) comes before the pod's stages
        Instant t0 = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        long job = ranJob(t0);

        HttpResponse<String> response = get("/api/v1/jobs/" + job);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode timeline = JSON.readTree(response.body()).get("timeline");
        List<String> names = new ArrayList<>();
        timeline.get("stages").forEach(s -> names.add(s.get("stage").asString()));
        assertThat(names)
                .containsExactly(
                        "queued",
                        "delivery",
                        "demand_seen",
                        "pod_created",
                        "pod_scheduled",
                        "runner_registered",
                        "runner_started",
                        "job_started",
                        "completed");
        assertThat(timeline.get("warmRunner").asBoolean()).isFalse();
        assertThat(timeline.get("runnerPod").asString()).isEqualTo("linux-x64-spot-3");
        assertThat(timeline.get("newNode").asBoolean()).isTrue();
        assertThat(timeline.get("recordedAt").isNull()).isFalse();
        assertThat(timeline.get("queueWait").get("seconds").asDouble()).isEqualTo(40.0);
        assertThat(timeline.get("queueWait").get("capacitySeconds").asDouble()).isZero();
        assertThat(timeline.get("queueWait").get("runnerStartSeconds").asDouble())
                .isEqualTo(40.0);

        JsonNode stages = timeline.get("stages");
        assertThat(stages.get(0).get("status").asString()).isEqualTo("origin");
        assertThat(stages.get(0).get("at").asString()).isEqualTo(t0.toString());
        double waited = 0;
        for (int i = 1; i <= 7; i++) {
            JsonNode s = stages.get(i);
            if (!s.get("seconds").isNull()) {
                assertThat(s.get("seconds").asDouble()).as(s.toString()).isGreaterThanOrEqualTo(0);
                waited += s.get("seconds").asDouble();
            }
        }
        assertThat(waited).as("the stages add up to the queue wait").isCloseTo(40.0, within(0.0011));
        // the runner container started at + 30 s, the job at + 40 s; the run took 60 s
        assertThat(stages.get(6).get("at").asString())
                .isEqualTo(t0.plusSeconds(30).toString());
        assertThat(stages.get(7).get("seconds").asDouble()).isEqualTo(10.0);
        assertThat(stages.get(7).get("status").asString()).isEqualTo("measured");
        assertThat(stages.get(8).get("seconds").asDouble()).isEqualTo(60.0);
        assertThat(timeline.get("stuck").isNull()).isTrue();
    }

    @Test
    void aQueuedJobShowsItsPendingStagesAndTheDetectorsVerdict() {
        long job = nextJobId();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        deliver(job, "queued", t0);
        assertThat(queueTimes.markStuck(job, StuckReason.NO_POD_PENDING, t0.plusSeconds(300)))
                .isTrue();

        JsonNode timeline = JSON.readTree(get("/api/v1/jobs/" + job).body()).get("timeline");
        assertThat(timeline.get("queueWait").isNull()).isTrue();
        assertThat(timeline.get("stages").get(7).get("status").asString()).isEqualTo("pending");
        assertThat(timeline.get("stages").get(7).get("seconds").isNull()).isTrue();
        assertThat(timeline.get("stuck").get("reason").asString()).isEqualTo("no_pod_pending");

        JsonNode pool = JSON.readTree(get("/api/v1/pools/" + POOL).body());
        List<Long> stuck = new ArrayList<>();
        pool.get("queueTime").get("stuckJobs").forEach(s -> {
            stuck.add(s.get("id").asLong());
            if (s.get("id").asLong() == job) {
                assertThat(s.get("reason").asString()).isEqualTo("no_pod_pending");
                assertThat(s.get("queuedSince").isNull()).isFalse();
            }
        });
        assertThat(stuck).contains(job);
        // the list of pools stays light: no queue time there
        JsonNode listed =
                JSON.readTree(get("/api/v1/pools").body()).get("items").get(0);
        assertThat(listed.has("queueTime")).isFalse();
    }

    @Test
    void aPoolShowsTheRecentPercentilesOfEachStage() {
        for (int i = 0; i < 3; i++) {
            ranJob(Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS));
        }

        HttpResponse<String> response = get("/api/v1/pools/" + POOL);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode q = JSON.readTree(response.body()).get("queueTime");
        assertThat(q.get("window").asString()).isEqualTo("PT1H");
        assertThat(q.get("jobs").asInt()).isGreaterThanOrEqualTo(3);
        List<String> stages = new ArrayList<>();
        q.get("stages").properties().forEach(e -> stages.add(e.getKey()));
        assertThat(stages)
                .containsExactly(
                        "delivery",
                        "demand_seen",
                        "pod_created",
                        "pod_scheduled",
                        "runner_registered",
                        "runner_started",
                        "job_started");
        // every linked job of this pool in the window has the same shape: the figures are exact
        JsonNode started = q.get("stages").get("job_started");
        assertThat(started.get("samples").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(started.get("p50Seconds").asDouble()).isEqualTo(10.0);
        assertThat(started.get("p95Seconds").asDouble()).isEqualTo(10.0);
        assertThat(q.get("queueWait").get("p50Seconds").asDouble()).isEqualTo(40.0);
        assertThat(q.get("queueWait").get("p95Seconds").asDouble()).isEqualTo(40.0);
        assertThat(q.get("capacity").get("p95Seconds").asDouble()).isZero();
        assertThat(q.get("runnerStart").get("p50Seconds").asDouble()).isEqualTo(40.0);
        for (JsonNode s : q.get("stages")) {
            if (!s.get("p50Seconds").isNull()) {
                assertThat(s.get("p50Seconds").asDouble())
                        .isLessThanOrEqualTo(s.get("p95Seconds").asDouble());
                assertThat(s.get("p50Seconds").asDouble()).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void theMetricsAreScrapedUnderTheNamesDashboardsAndAlertsUse() {
        String scrape = management().get("/actuator/prometheus", null).body();
        assertThat(scrape)
                .contains("# TYPE runnerscale_job_wait_stage_seconds histogram")
                .contains("# TYPE runnerscale_job_queue_wait_seconds histogram")
                .contains("# TYPE runnerscale_stuck_jobs gauge");
        for (String stage : List.of(
                "delivery",
                "demand_seen",
                "pod_created",
                "pod_scheduled",
                "runner_started",
                "runner_registered",
                "job_started")) {
            assertThat(scrape)
                    .contains(
                            "runnerscale_job_wait_stage_seconds_count{pool=\"" + POOL + "\",stage=\"" + stage + "\"}");
        }
        for (String part : List.of("capacity", "runner_start")) {
            assertThat(scrape)
                    .contains("runnerscale_job_queue_wait_seconds_count{part=\"" + part + "\",pool=\"" + POOL + "\"}");
        }
        for (String reason : List.of("idle_runner_unused", "no_pod_pending", "runner_offline")) {
            assertThat(scrape).contains("runnerscale_stuck_jobs{pool=\"" + POOL + "\",reason=\"" + reason + "\"}");
        }
        assertThat(scrape.lines().filter(l -> l.startsWith("runnerscale_job_wait_stage_seconds_count{")))
                .as("bounded: two pools, seven stages")
                .hasSize(14);
    }

    @Test
    void badInputIsAProblemDetailAndNeverA500() {
        assertProblem(get("/api/v1/pools/no-such-pool"), 404);
        assertProblem(get("/api/v1/pools/" + "x".repeat(2_000)), 404);
        assertProblem(get("/api/v1/pools/linux-x64-spot%20"), 404);
        assertProblem(get("/api/v1/pools/%E2%9C%93"), 404);
        assertProblem(get("/api/v1/jobs/-1"), 404);
        assertProblem(get("/api/v1/jobs/1e3"), 400);
        assertProblem(client().get("/api/v1/pools/" + POOL, null), 401);
        assertProblem(client().get("/api/v1/jobs/1", "not-the-operator-token"), 401);
    }
}
