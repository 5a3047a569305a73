package dev.runnerscale.autoscaler.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LedgerApiTest extends AutoscalerTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpResponse<String> get(String path) {
        return client().get(path, API_TOKEN);
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(status);
    }

    @Nested
    class Jobs {

        @Test
        void aJobIsShownWithItsStatusInGitHubsWordsAndItsPool() {
            long job = nextJobId();
            client().deliver(
                            "workflow_job",
                            Payloads.job(job).action("in_progress").bytes());
            HttpResponse<String> response = get("/api/v1/jobs/" + job);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode row = JSON.readTree(response.body());
            assertThat(row.get("id").asLong()).isEqualTo(job);
            assertThat(row.get("status").asString()).isEqualTo("in_progress");
            assertThat(row.get("pool").asString()).isEqualTo("linux-x64-spot");
            assertThat(row.get("runnerName").asString()).isEqualTo("linux-x64-spot-7");
            assertThat(row.get("startedAt").asString()).isEqualTo("2026-11-21T10:00:30Z");
        }

        @Test
        void anUnmatchedJobHasANullPool() {
            long job = nextJobId();
            client().deliver("workflow_job", Payloads.job(job).labels("windows").bytes());
            JsonNode row = JSON.readTree(get("/api/v1/jobs/" + job).body());
            assertThat(row.has("pool")).isTrue();
            assertThat(row.get("pool").isNull()).isTrue();
        }

        @Test
        void aJobNeverAcceptedIs404() {
            assertProblem(get("/api/v1/jobs/" + nextJobId()), 404);
        }

        @Test
        void aNonNumericIdIs400() {
            assertProblem(get("/api/v1/jobs/twelve"), 400);
            assertProblem(get("/api/v1/jobs/99999999999999999999999"), 400);
        }
    }

    @Nested
    class Pools {

        @Test
        void everyConfiguredPoolIsListedWithItsDemand() {
            JsonNode before = JSON.readTree(get("/api/v1/pools").body()).get("items");
            long queuedBefore = before.get(1).get("queued").asLong();
            client().deliver(
                            "workflow_job",
                            Payloads.job(nextJobId()).labels("large").bytes());
            JsonNode items = JSON.readTree(get("/api/v1/pools").body()).get("items");
            assertThat(items).hasSize(2);
            JsonNode large = items.get(1);
            assertThat(large.get("name").asString()).isEqualTo("linux-x64-large");
            assertThat(large.get("labels")).hasSize(4);
            assertThat(large.get("min").asInt()).isEqualTo(1);
            assertThat(large.get("max").asInt()).isEqualTo(5);
            assertThat(large.get("queued").asLong()).isEqualTo(queuedBefore + 1);
            assertThat(large.has("waiting")).isTrue();
            assertThat(large.has("inProgress")).isTrue();
        }
    }

    @Nested
    class BearerToken {

        @Test
        void withoutTheTokenTheApiIs401() {
            HttpResponse<String> response = client().get("/api/v1/pools", null);
            assertProblem(response, 401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        @Test
        void aWrongTokenIs401() {
            assertProblem(client().get("/api/v1/jobs/1", "operator-token-but-longer"), 401);
            assertProblem(client().get("/api/v1/jobs/1", "operator-toke"), 401);
        }

        @Test
        void everyTokenOfARotationIsAccepted() {
            assertThat(client().get("/api/v1/pools", API_TOKEN).statusCode()).isEqualTo(200);
            assertThat(client().get("/api/v1/pools", OLD_API_TOKEN).statusCode())
                    .isEqualTo(200);
        }

        @Test
        void probesAreOnTheManagementPortAndNeedNoToken() {
            assertThat(management().get("/actuator/health/liveness", null).statusCode())
                    .isEqualTo(200);
            assertThat(management().get("/actuator/health/readiness", null).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void unknownRoutesAndWrongMethodsAreProblemDetailsToo() {
        assertProblem(client().get("/nothing-here", null), 404);
        assertProblem(client().get("/webhooks/github", null), 405);
        assertProblem(client().get("/actuator/prometheus", API_TOKEN), 404);
        assertThat(management().get("/actuator/env", null).statusCode()).isEqualTo(404);
    }

    @Test
    void everyAnswerCarriesARequestId() {
        HttpResponse<String> response = get("/api/v1/pools");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }
}
