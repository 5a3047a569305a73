package dev.runnerscale.taskapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import dev.runnerscale.taskapi.tokens.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule for bad input: a clear 4xx problem detail, and nothing stored. The test limit is 16 KiB. */
class BadInputTest extends ApiTest {

    private static final String NOW = "2026-11-21T12:00:00Z";

    private String alice;

    @BeforeEach
    void owner() {
        alice = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
    }

    @AfterEach
    void nothingStored() {
        assertThat(taskRows()).as("no task stored by bad input").isZero();
    }

    private ApiClient.Call post() {
        return api.post("/tasks").token(alice).clientTimestamp(NOW);
    }

    @Nested
    class Body {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"title\":",
                    "not json",
                    "[]",
                    "{\"title\":\"a\"} trailing",
                    "{\"title\":\"a\",\"title\":\"b\"}",
                    "",
                })
        void malformedJsonIs400(String body) {
            assertThat(post().json(body).send().isProblem(400)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"title\":42}",
                    "{\"title\":\"a\",\"status\":\"doing\"}",
                    "{\"title\":\"a\",\"priority\":1}",
                    "{\"title\":\"a\",\"dueAt\":\"tomorrow\"}",
                    "{\"title\":\"a\",\"id\":\"not-a-uuid\"}",
                    "{\"title\":[\"a\"]}",
                })
        void wrongTypesAre400(String body) {
            ApiClient.Response response = post().json(body).send();
            assertThat(response.isProblem(400)).as(response.toString()).isTrue();
        }

        @Test
        void unknownFieldsAre400NamingTheField() {
            ApiClient.Response response =
                    post().json("{\"title\":\"a\",\"colour\":\"red\"}").send();
            assertThat(response.isProblem(400)).isTrue();
            assertThat(response.json().path("detail").asString()).contains("colour");
        }

        @Test
        void anIdInAReplaceBodyIsAnUnknownField() {
            ApiClient.Response response = api.put("/tasks/" + UUID.randomUUID())
                    .token(alice)
                    .clientTimestamp(NOW)
                    .json("{\"id\":\"" + UUID.randomUUID() + "\",\"title\":\"a\"}")
                    .send();
            assertThat(response.isProblem(400)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"title\":\"\"}", "{\"title\":\"   \"}", "{\"title\":null}"})
        void missingOrBlankTitleIs400WithFieldErrors(String body) {
            ApiClient.Response response = post().json(body).send();
            assertThat(response.isProblem(400)).isTrue();
            assertThat(response.json().path("errors").get(0).path("field").asString())
                    .isEqualTo("title");
        }

        @Test
        void titleOf200CharactersIsAcceptedAnd201IsNot() {
            ApiClient.Response tooLong =
                    post().json("{\"title\":\"" + "x".repeat(201) + "\"}").send();
            assertThat(tooLong.isProblem(400)).isTrue();
            ApiClient.Response longest =
                    post().json("{\"title\":\"" + "x".repeat(200) + "\"}").send();
            assertThat(longest.status()).isEqualTo(201);
            jdbc.sql("TRUNCATE tasks").update();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"title\":\"a\\u0000b\"}",
                    "{\"title\":\"a\",\"description\":\"x\\u0000\"}",
                    "{\"title\":\"a\",\"dueAt\":\"+999999999-12-31T23:59:59Z\"}",
                    "{\"title\":\"a\",\"dueAt\":\"-0001-01-01T00:00:00Z\"}",
                    "{\"title\":\"a\",\"dueAt\":\"10000-01-01T00:00:00Z\"}"
                })
        void valuesTheDatabaseCannotStoreAre400NotServerErrors(String body) {
            ApiClient.Response response = post().json(body).send();
            assertThat(response.isProblem(400)).as(response.toString()).isTrue();
        }

        @Test
        void descriptionOver10000CharactersIs400() {
            ApiClient.Response response = api.post("/tasks")
                    .token(alice)
                    .clientTimestamp(NOW)
                    .json("{\"title\":\"a\",\"description\":\"" + "d".repeat(10_001) + "\"}")
                    .send();
            assertThat(response.isProblem(400)).isTrue();
        }
    }

    @Nested
    class Size {

        private final byte[] oversized = ("{\"title\":\"a\",\"description\":\"" + "d".repeat(17 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        @Test
        void oversizedBodyWithContentLengthIs413() {
            ApiClient.Response response =
                    post().body("application/json", oversized).send();
            assertThat(response.isProblem(413)).as(response.toString()).isTrue();
        }

        @Test
        void oversizedChunkedBodyIs413() {
            ApiClient.Response response =
                    post().chunked("application/json", oversized).send();
            assertThat(response.isProblem(413)).as(response.toString()).isTrue();
        }

        @Test
        void chunkedBodyWithinTheLimitIsAccepted() {
            ApiClient.Response response = post().chunked(
                            "application/json", "{\"title\":\"a\"}".getBytes(StandardCharsets.UTF_8))
                    .send();
            assertThat(response.status()).isEqualTo(201);
            jdbc.sql("TRUNCATE tasks").update();
        }
    }

    @Nested
    class Protocol {

        @ParameterizedTest
        @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded"})
        void wrongContentTypeIs415(String contentType) {
            ApiClient.Response response = post().body(contentType, "{\"title\":\"a\"}".getBytes(StandardCharsets.UTF_8))
                    .send();
            assertThat(response.isProblem(415)).as(response.toString()).isTrue();
        }

        @Test
        void unknownRouteIs404Problem() {
            assertThat(api.get("/nowhere").send().isProblem(404)).isTrue();
            assertThat(api.get("/tasks/" + UUID.randomUUID() + "/comments")
                            .token(alice)
                            .send()
                            .isProblem(404))
                    .isTrue();
        }

        @Test
        void methodsTheContainerRefusesAreProblemsToo() {
            ApiClient.Response trace =
                    api.method("TRACE", "/tasks").token(alice).send();
            assertThat(trace.isProblem(405)).as(trace.toString()).isTrue();
            assertThat(api.get("/error").send().isProblem(404)).isTrue();
        }

        @Test
        void requestsTomcatRejectsBeforeTheApplicationAreProblemsToo() {
            ApiClient.Call call = api.get("/tasks").token(alice);
            for (int i = 0; i < 120; i++) {
                call.header("X-Filler-" + i, "x"); // Tomcat allows 100 headers
            }
            ApiClient.Response response = call.send();
            assertThat(response.isProblem(400)).as(response.toString()).isTrue();
        }

        @Test
        void wrongMethodIs405Problem() {
            ApiClient.Response response = api.method("PATCH", "/tasks/" + UUID.randomUUID())
                    .token(alice)
                    .clientTimestamp(NOW)
                    .json("{\"title\":\"a\"}")
                    .send();
            assertThat(response.isProblem(405)).as(response.toString()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"not-a-uuid", "123", "7e0c3c38-4c55-4a4e-9d43-2d9d1f9e0a1Z"})
        void invalidUuidInThePathIs400(String id) {
            assertThat(api.get("/tasks/" + id).token(alice).send().isProblem(400))
                    .isTrue();
            assertThat(api.delete("/tasks/" + id)
                            .token(alice)
                            .clientTimestamp(NOW)
                            .send()
                            .isProblem(400))
                    .isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "limit=0",
                    "limit=201",
                    "limit=ten",
                    "sort=title",
                    "direction=up",
                    "status=later",
                    "cursor=!!!",
                    // v1|created:asc|-0001-01-01T00:00:00Z|7e0c3c38-4c55-4a4e-9d43-2d9d1f9e0a11 (year before 1)
                    "cursor=djF8Y3JlYXRlZDphc2N8LTAwMDEtMDEtMDFUMDA6MDA6MDBafDdlMGMzYzM4LTRjNTUtNGE0ZS05ZDQzLTJkOWQxZjllMGExMQ",
                    // v1|created:asc|2026-01-01T00:00:00Z|not-a-uuid
                    "cursor=djF8Y3JlYXRlZDphc2N8MjAyNi0wMS0wMVQwMDowMDowMFp8bm90LWEtdXVpZA",
                    "cursor=bm90LWEtY3Vyc29y"
                })
        void invalidListParametersAre400(String query) {
            ApiClient.Response response =
                    api.get("/tasks?" + query).token(alice).send();
            assertThat(response.isProblem(400)).as(response.toString()).isTrue();
        }
    }

    @Nested
    class ClientTimestamp {

        @Test
        void missingTimestampIs400() {
            ApiClient.Response response =
                    api.post("/tasks").token(alice).json("{\"title\":\"a\"}").send();
            assertThat(response.isProblem(400)).isTrue();
            assertThat(response.json().path("type").asString()).endsWith("/missing-client-timestamp");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "yesterday",
                    "2026-11-21T12:00:00",
                    "2026-11-21 12:00:00Z",
                    "2026-11-21T12:00:00.1234Z",
                    "2026-13-21T12:00:00Z",
                    "1732190400000"
                })
        void malformedTimestampIs400(String timestamp) {
            ApiClient.Response response = api.post("/tasks")
                    .token(alice)
                    .clientTimestamp(timestamp)
                    .json("{\"title\":\"a\"}")
                    .send();
            assertThat(response.isProblem(400)).as(timestamp).isTrue();
            assertThat(response.json().path("type").asString()).endsWith("/malformed-client-timestamp");
        }

        @Test
        void timestampBeyondTheAllowedSkewIs400ButWithinItIsAccepted() {
            String tooFar = Instant.now()
                    .truncatedTo(ChronoUnit.MILLIS)
                    .plusSeconds(6 * 60)
                    .toString();
            ApiClient.Response rejected = api.post("/tasks")
                    .token(alice)
                    .clientTimestamp(tooFar)
                    .json("{\"title\":\"a\"}")
                    .send();
            assertThat(rejected.isProblem(400)).isTrue();
            assertThat(rejected.json().path("type").asString()).endsWith("/client-timestamp-in-future");

            String slightlyAhead =
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(60).toString();
            ApiClient.Response accepted = api.put("/tasks/" + UUID.randomUUID())
                    .token(alice)
                    .clientTimestamp(slightlyAhead)
                    .json("{\"title\":\"a\"}")
                    .send();
            assertThat(accepted.status()).isEqualTo(201);
            jdbc.sql("TRUNCATE tasks").update();
        }
    }
}
