package dev.runnerscale.taskapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class OperationsTest extends ApiTest {

    @Nested
    class Health {

        @Test
        void legacyHealthEndpointReportsUpWhenTheDatabaseAnswers() {
            ApiClient.Response response = api.get("/health").send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("status").asString()).isEqualTo("UP");
        }

        @Test
        void livenessAndReadinessProbesAreUpOnTheManagementPortAndNeedNoToken() {
            assertThat(management
                            .get("/actuator/health/liveness")
                            .send()
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("UP");
            assertThat(management
                            .get("/actuator/health/readiness")
                            .send()
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("UP");
        }

        @Test
        void onlyHealthInfoAndPrometheusAreExposed() {
            assertThat(management.get("/actuator/env").send().status()).isEqualTo(404);
            assertThat(management.get("/actuator/beans").send().status()).isEqualTo(404);
            assertThat(management.get("/actuator/info").send().status()).isEqualTo(200);
        }
    }

    @Nested
    class ManagementPort {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "/actuator",
                    "/actuator/health",
                    "/actuator/health/liveness",
                    "/actuator/health/readiness",
                    "/actuator/info",
                    "/actuator/prometheus",
                    "/actuator/env"
                })
        void actuatorIsNotOnThePublicPortEvenWithAToken(String path) {
            String admin = token("ops", Scope.ADMIN, Scope.TASKS_READ);
            ApiClient.Response response = api.get(path).token(admin).send();
            assertThat(response.isProblem(404)).as(response.toString()).isTrue();
            assertThat(response.body()).doesNotContain("UP").doesNotContain("http_server_requests");
        }

        @Test
        void theManagementPortServesNoApi() {
            String alice = token("alice", Scope.TASKS_READ);
            assertThat(management.get("/tasks").token(alice).send().status()).isEqualTo(404);
            assertThat(management.get("/health").send().status()).isEqualTo(404);
        }
    }

    @Test
    void prometheusHasLatencyHistogramsWithSloBucketsPerStatus() {
        String token = token("alice", Scope.TASKS_READ);
        api.get("/tasks").token(token).send();
        api.get("/tasks").send(); // a 401, which must be counted for error-rate alerts

        String metrics = management.get("/actuator/prometheus").send().body();

        assertThat(metrics)
                .contains("http_server_requests_seconds_bucket{")
                .contains("le=\"0.025\"")
                // Rejected before routing, so the uri tag is UNKNOWN; the status still feeds error-rate alerts.
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"401\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"200\"[^}]*uri=\"/tasks\"");
    }

    @Nested
    class RequestId {

        @Test
        void echoesTheCallersRequestId() {
            ApiClient.Response response =
                    api.get("/health").header("X-Request-Id", "abc-123").send();
            assertThat(response.header("X-Request-Id")).isEqualTo("abc-123");
        }

        @Test
        void generatesOneWhenMissingOrUnsafe() {
            String generated = api.get("/health").send().header("X-Request-Id");
            assertThat(UUID.fromString(generated)).isNotNull();
            String replaced =
                    api.get("/health").header("X-Request-Id", "a b\tc").send().header("X-Request-Id");
            assertThat(UUID.fromString(replaced)).isNotNull();
        }

        @Test
        void isEchoedOnProblemsFromFiltersToo() {
            ApiClient.Response response =
                    api.get("/tasks").header("X-Request-Id", "req-401").send();
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("X-Request-Id")).isEqualTo("req-401");
        }
    }

    @Test
    void openApiDescriptionCoversEveryEndpoint() {
        JsonNode spec = api.get("/v3/api-docs").send().json();

        assertThat(spec.path("openapi").asString()).startsWith("3.");
        JsonNode paths = spec.path("paths");
        record Operation(String path, String method) {}
        List<Operation> expected = List.of(
                new Operation("/tasks", "get"),
                new Operation("/tasks", "post"),
                new Operation("/tasks/{id}", "get"),
                new Operation("/tasks/{id}", "put"),
                new Operation("/tasks/{id}", "delete"),
                new Operation("/admin/tokens", "get"),
                new Operation("/admin/tokens", "post"),
                new Operation("/admin/tokens/{id}", "delete"),
                new Operation("/health", "get"));
        for (Operation operation : expected) {
            assertThat(paths.path(operation.path()).has(operation.method()))
                    .as("%s %s", operation.method(), operation.path())
                    .isTrue();
        }
    }
}
