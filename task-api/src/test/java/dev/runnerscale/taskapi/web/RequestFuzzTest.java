package dev.runnerscale.taskapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import dev.runnerscale.testkit.RawHttp;
import dev.runnerscale.testkit.RequestFuzzer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever a client sends, the answer is never a 5xx, every error is an RFC 9457 problem detail with the
 * security headers and without internals, no request without the right token reaches a task or admin route, and a
 * refused request stores nothing. Checked over a seeded corpus of {@value #CASES} generated requests (jqwik's
 * engine is built for the JUnit Platform 1.x, Spring Boot 4.1 brings 6.0), sent raw to the real server on real
 * PostgreSQL. Replay a failure with {@code -Dfuzz.seed=<seed>}.
 */
class RequestFuzzTest extends ApiTest {

    private static final int CASES = 10_000;
    private static final long SEED = Long.getLong("fuzz.seed", 0x5EC_2026L);

    @Test
    void noRequestIsAServerErrorOrAnythingButAProblemAndNoneStoresAnything() {
        // A real but read-only token: requests with it get far into the application, and still cannot store anything.
        String reader = token("fuzzer", Scope.TASKS_READ);
        long tokens =
                jdbc.sql("SELECT count(*) FROM api_tokens").query(Long.class).single();
        RequestFuzzer fuzzer = new RequestFuzzer(
                SEED,
                new String[] {
                    "/tasks",
                    "/tasks/{id}",
                    "/admin/tokens",
                    "/admin/tokens/{id}",
                    "/health",
                    "/v3/api-docs",
                    "/tasks?%00%ff"
                },
                new String[] {
                    "tasks",
                    "tasks",
                    "tasks",
                    "admin",
                    "tokens",
                    "health",
                    "error",
                    "v3",
                    "api-docs",
                    "actuator",
                    "prometheus"
                },
                new String[] {reader, reader, BOOTSTRAP_TOKEN.substring(1), "tapi_" + "A".repeat(43), "operator"},
                new String[] {
                    "{\"title\":\"fuzz\"}",
                    "{\"title\":\"fuzz\",\"description\":\"d\",\"status\":\"done\",\"priority\":\"high\","
                            + "\"dueAt\":\"2026-12-01T00:00:00Z\"}",
                    "{\"owner\":\"mallory\",\"scopes\":[\"admin\"]}"
                },
                new String[] {"X-Client-Timestamp", "X-Request-Id", "If-Match", "Origin"});

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (RawHttp http = new RawHttp(port)) {
            for (int i = 0; i < CASES && failures.size() < 20; i++) {
                RequestFuzzer.Request request = fuzzer.next();
                RawHttp.Response response =
                        http.send(request.method(), request.target(), request.headers(), request.body());
                statuses.merge(response.status(), 1, Integer::sum);
                String problem = check(request, response, reader);
                if (problem != null) {
                    failures.add("#" + i + " " + problem + "\n    request: " + request + "\n    answer: " + response);
                }
            }
        }

        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(taskRows()).as("tasks stored").isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM api_tokens").query(Long.class).single())
                .as("tokens stored")
                .isEqualTo(tokens);
        // The corpus reaches every layer: the firewall and Tomcat (400), authentication (401), scopes (403),
        // routing (404, 405), the body limit (413) and media types (415), and real reads (200).
        assertThat(statuses).as("statuses seen").containsKeys(200, 400, 401, 403, 404, 405, 413, 415);
    }

    /** What is wrong with this answer, or null. */
    private static String check(RequestFuzzer.Request request, RawHttp.Response response, String reader) {
        int status = response.status();
        if (status >= 500) {
            return "server error";
        }
        if (!"nosniff".equals(response.header("X-Content-Type-Options"))) {
            return "no X-Content-Type-Options: nosniff";
        }
        if (status >= 400 && !request.method().equals("HEAD") && !response.isProblem()) {
            return "an error that is not a problem detail";
        }
        String body = response.text();
        if (body.contains("Exception") || body.contains("\tat ") || body.contains("java.") || body.contains("SQL")) {
            return "internals in the answer";
        }
        if (status < 300) {
            String path = request.decodedPath();
            boolean protectedRoute = path.startsWith("/tasks") || path.startsWith("/admin");
            boolean readWithReader = request.headers().stream()
                            // the scheme is case-insensitive (RFC 9110 section 11.1)
                            .anyMatch(h -> h[0].equals("Authorization") && h[1].equalsIgnoreCase("Bearer " + reader))
                    && (request.method().equals("GET")
                            || request.method().equals("HEAD")
                            || request.method().equals("OPTIONS"));
            if (protectedRoute && !(readWithReader && path.startsWith("/tasks"))) {
                return "a protected route answered without the right token";
            }
        }
        return null;
    }
}
