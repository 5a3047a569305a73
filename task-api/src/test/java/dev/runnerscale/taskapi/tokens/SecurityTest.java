package dev.runnerscale.taskapi.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class SecurityTest extends ApiTest {

    private static final String NOW = "2026-11-21T12:00:00Z";

    private ApiClient.Response createTask(String token, String json) {
        return api.post("/tasks").token(token).clientTimestamp(NOW).json(json).send();
    }

    @Nested
    class Authentication {

        @Test
        void noTokenIs401ProblemWithChallenge() {
            ApiClient.Response response = api.get("/tasks").send();
            assertThat(response.isProblem(401)).isTrue();
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Bearer tapi_unknown", "Basic dXNlcjpwYXNz", "Bearer ", "tapi_x", "Bearer  "})
        void badTokenIs401(String authorization) {
            assertThat(api.get("/tasks")
                            .header("Authorization", authorization)
                            .send()
                            .isProblem(401))
                    .isTrue();
        }

        @Test
        void unauthenticatedWriteStoresNothing() {
            ApiClient.Response response = api.post("/tasks")
                    .clientTimestamp(NOW)
                    .json("{\"title\":\"a\"}")
                    .send();
            assertThat(response.isProblem(401)).isTrue();
            assertThat(taskRows()).isZero();
        }

        @Test
        void revocationTakesEffectOnTheNextRequest() {
            TokenService.MintedToken minted = tokens.mint("alice", List.of(Scope.TASKS_READ));
            assertThat(api.get("/tasks").token(minted.token()).send().status()).isEqualTo(200);

            ApiClient.Response revoked = api.delete("/admin/tokens/" + minted.id())
                    .token(BOOTSTRAP_TOKEN)
                    .send();

            assertThat(revoked.status()).isEqualTo(204);
            assertThat(api.get("/tasks").token(minted.token()).send().isProblem(401))
                    .isTrue();
        }
    }

    @Nested
    class Authorisation {

        @Test
        void readOnlyTokenCannotWrite() {
            String reader = token("alice", Scope.TASKS_READ);
            ApiClient.Response response = createTask(reader, "{\"title\":\"a\"}");
            assertThat(response.isProblem(403)).isTrue();
            assertThat(response.header("WWW-Authenticate")).contains("insufficient_scope");
            assertThat(taskRows()).isZero();
        }

        @Test
        void writeOnlyTokenCannotRead() {
            String writer = token("alice", Scope.TASKS_WRITE);
            assertThat(api.get("/tasks").token(writer).send().isProblem(403)).isTrue();
        }

        @Test
        void adminScopeDoesNotGrantTasksAndTaskScopesDoNotGrantAdmin() {
            assertThat(api.get("/tasks").token(BOOTSTRAP_TOKEN).send().isProblem(403))
                    .isTrue();
            String user = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
            assertThat(api.get("/admin/tokens").token(user).send().isProblem(403))
                    .isTrue();
        }
    }

    @Nested
    class Ownership {

        @Test
        void anotherOwnersTaskIsNotFoundForReadReplaceAndDelete() {
            String alice = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
            String bob = token("bob", Scope.TASKS_READ, Scope.TASKS_WRITE);
            String id = createTask(alice, "{\"title\":\"secret\"}")
                    .json()
                    .path("id")
                    .asString();

            assertThat(api.get("/tasks/" + id).token(bob).send().isProblem(404)).isTrue();
            assertThat(api.put("/tasks/" + id)
                            .token(bob)
                            .clientTimestamp("2026-11-21T12:00:01Z")
                            .json("{\"title\":\"mine now\"}")
                            .send()
                            .isProblem(404))
                    .isTrue();
            assertThat(api.delete("/tasks/" + id)
                            .token(bob)
                            .clientTimestamp("2026-11-21T12:00:01Z")
                            .send()
                            .isProblem(404))
                    .isTrue();
            assertThat(api.get("/tasks").token(bob).send().json().path("items").size())
                    .isZero();
            assertThat(api.get("/tasks/" + id)
                            .token(alice)
                            .send()
                            .json()
                            .path("title")
                            .asString())
                    .isEqualTo("secret");
        }

        @Test
        void creatingWithAnotherOwnersIdIsAConflictWithoutData() {
            String alice = token("alice", Scope.TASKS_READ, Scope.TASKS_WRITE);
            String bob = token("bob", Scope.TASKS_READ, Scope.TASKS_WRITE);
            UUID id = UUID.randomUUID();
            createTask(alice, "{\"id\":\"" + id + "\",\"title\":\"secret\"}");

            ApiClient.Response response = api.post("/tasks")
                    .token(bob)
                    .clientTimestamp("2026-11-21T12:00:01Z")
                    .json("{\"id\":\"" + id + "\",\"title\":\"hijack\"}")
                    .send();

            assertThat(response.isProblem(409)).isTrue();
            assertThat(response.json().path("type").asString()).endsWith("/id-unavailable");
            assertThat(response.body()).doesNotContain("secret").doesNotContain("alice");
            assertThat(api.get("/tasks/" + id)
                            .token(alice)
                            .send()
                            .json()
                            .path("title")
                            .asString())
                    .isEqualTo("secret");
        }
    }

    @Nested
    class AdminTokens {

        @Test
        void mintReturnsThePlainTokenOnceAndStoresOnlyItsHash() throws Exception {
            ApiClient.Response minted = api.post("/admin/tokens")
                    .token(BOOTSTRAP_TOKEN)
                    .json("{\"owner\":\"carol\",\"scopes\":[\"tasks:write\",\"tasks:read\"]}")
                    .send();

            assertThat(minted.status()).isEqualTo(201);
            String token = minted.json().path("token").asString();
            assertThat(token).startsWith("tapi_").hasSize(5 + 43);
            assertThat(api.get("/tasks").token(token).send().status()).isEqualTo(200);

            byte[] expectedHash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            byte[] storedHash = jdbc.sql("SELECT token_hash FROM api_tokens WHERE owner = 'carol'")
                    .query(byte[].class)
                    .single();
            assertThat(storedHash).isEqualTo(expectedHash);
            String everything = jdbc.sql("SELECT string_agg(t::text, ',') FROM api_tokens t")
                    .query(String.class)
                    .single();
            assertThat(everything).doesNotContain(token.substring(5));

            ApiClient.Response list =
                    api.get("/admin/tokens").token(BOOTSTRAP_TOKEN).send();
            assertThat(list.body()).doesNotContain(token.substring(5)).doesNotContain("hash");
            JsonNode carol = null;
            for (JsonNode item : list.json().path("items")) {
                if (item.path("owner").asString().equals("carol")) {
                    carol = item;
                }
            }
            assertThat(carol).isNotNull();
            assertThat(carol.path("scopes").toString()).isEqualTo("[\"tasks:read\",\"tasks:write\"]");
            assertThat(carol.path("revokedAt").isNull()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "{\"owner\":\"carol\",\"scopes\":[\"root\"]}",
                    "{\"owner\":\"carol\",\"scopes\":[]}",
                    "{\"owner\":\"\",\"scopes\":[\"admin\"]}",
                    "{\"owner\":\"car ol\",\"scopes\":[\"admin\"]}",
                    "{\"scopes\":[\"admin\"]}",
                    "{\"owner\":\"carol\",\"scopes\":[\"admin\"],\"expires\":1}"
                })
        void invalidMintRequestsAre400AndMintNothing(String body) {
            ApiClient.Response response =
                    api.post("/admin/tokens").token(BOOTSTRAP_TOKEN).json(body).send();
            assertThat(response.isProblem(400)).as(response.toString()).isTrue();
            assertThat(jdbc.sql("SELECT count(*) FROM api_tokens")
                            .query(Long.class)
                            .single())
                    .isOne();
        }

        @Test
        void revokingAnUnknownTokenIs404() {
            assertThat(api.delete("/admin/tokens/" + UUID.randomUUID())
                            .token(BOOTSTRAP_TOKEN)
                            .send()
                            .isProblem(404))
                    .isTrue();
        }

        @Test
        void bootstrapSeedingIsIdempotentAndKeepsARevocation() {
            tokens.seedBootstrapToken();
            tokens.seedBootstrapToken();
            assertThat(jdbc.sql("SELECT count(*) FROM api_tokens WHERE bootstrap")
                            .query(Long.class)
                            .single())
                    .isOne();

            UUID id = jdbc.sql("SELECT id FROM api_tokens WHERE bootstrap")
                    .query(UUID.class)
                    .single();
            api.delete("/admin/tokens/" + id).token(BOOTSTRAP_TOKEN).send();
            tokens.seedBootstrapToken();
            assertThat(api.get("/admin/tokens").token(BOOTSTRAP_TOKEN).send().isProblem(401))
                    .isTrue();
        }
    }
}
