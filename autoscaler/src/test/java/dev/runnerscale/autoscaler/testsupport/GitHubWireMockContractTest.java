package dev.runnerscale.autoscaler.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fake GitHub must catch what real GitHub would not accept or send, or its green tests would mean nothing. */
class GitHubWireMockContractTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    private static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final GitHubScope ORG = GitHubScope.of("octo-org", "", 1);

    @Nested
    class CatchesRequests {

        @Test
        void toAPathOutsideTheDescription() throws Exception {
            // github-api's AppInstallationAuthorizationProvider would send this; our subset has no GET /app.
            github.stub(any(anyUrl()).willReturn(GitHubWireMock.json(200, Map.of())));

            send("GET", "/app", null);

            assertThat(github.drainViolations()).anySatisfy(v -> assertThat(v).contains("GET /app request"));
        }

        @Test
        void withABodyTheSchemaRejects() throws Exception {
            github.stubJitConfig(ORG, 23, "r-1", "abc");

            send("POST", "/orgs/octo-org/actions/runners/generate-jitconfig", "{\"name\":\"r-1\",\"labels\":[]}");

            assertThat(github.drainViolations())
                    .anySatisfy(v -> assertThat(v).contains("request").contains("runner_group_id"))
                    .anySatisfy(v -> assertThat(v).contains("request").contains("labels"));
        }

        @Test
        void thatNoStubAnswers() throws Exception {
            send("GET", "/repos/octo-org/octo-repo/actions/jobs/1", null);

            assertThat(github.drainViolations()).anySatisfy(v -> assertThat(v).contains("no stub matched"));
        }
    }

    @Nested
    class CatchesResponses {

        @Test
        void withABodyTheSchemaRejects() throws Exception {
            github.stub(post(urlPathEqualTo("/orgs/octo-org/actions/runners/generate-jitconfig"))
                    .willReturn(GitHubWireMock.json(201, Map.of("runner", Map.of("id", 1)))));

            send(
                    "POST",
                    "/orgs/octo-org/actions/runners/generate-jitconfig",
                    "{\"name\":\"r-1\",\"runner_group_id\":1,\"labels\":[\"x\"]}");

            assertThat(github.drainViolations())
                    .anySatisfy(v -> assertThat(v).contains("response 201").contains("encoded_jit_config"));
        }

        @Test
        void ofAnOrganisationHooksDeliveriesAgainstTheirOwnDescription() throws Exception {
            github.stub(com.github.tomakehurst.wiremock.client.WireMock.get(
                            urlPathEqualTo("/orgs/octo-org/hooks/7/deliveries"))
                    .willReturn(GitHubWireMock.json(200, List.of(Map.of("id", 1, "event", "workflow_job")))));

            send("GET", "/orgs/octo-org/hooks/7/deliveries?per_page=100", null);

            assertThat(github.drainViolations())
                    .anySatisfy(v -> assertThat(v).contains("response 200").contains("guid"));
        }

        @Test
        void ofAnInstallationLookupWithoutItsAccount() throws Exception {
            github.stub(
                    com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/orgs/octo-org/installation"))
                            .willReturn(GitHubWireMock.json(200, Map.of("id", 7))));

            send("GET", "/orgs/octo-org/installation", null);

            assertThat(github.drainViolations())
                    .anySatisfy(v -> assertThat(v).contains("response 200").contains("account"));
        }

        @Test
        void withAnUndocumentedErrorWhoseBodyIsNotGitHubs() throws Exception {
            github.stub(post(urlPathEqualTo("/orgs/octo-org/actions/runners/generate-jitconfig"))
                    .willReturn(GitHubWireMock.json(503, List.of("not", "an", "error"))));

            send(
                    "POST",
                    "/orgs/octo-org/actions/runners/generate-jitconfig",
                    "{\"name\":\"r-1\",\"runner_group_id\":1,\"labels\":[\"x\"]}");

            assertThat(github.drainViolations()).anySatisfy(v -> assertThat(v).contains("basic-error"));
        }
    }

    @Nested
    class AcceptsWhatGitHubDoes {

        @Test
        void stubbedAnswersOfTheHelpers() throws Exception {
            github.stubInstallationToken(42, "ghs_x", Instant.parse("2026-11-22T01:00:00Z"));
            github.stubDeleteRunner(ORG, 5, 422);
            github.stub(post(urlPathEqualTo("/orgs/octo-org/actions/runners/generate-jitconfig"))
                    .willReturn(GitHubWireMock.tooManyRequests(30)));

            send("POST", "/app/installations/42/access_tokens", null);
            send("DELETE", "/orgs/octo-org/actions/runners/5", null);
            send(
                    "POST",
                    "/orgs/octo-org/actions/runners/generate-jitconfig",
                    "{\"name\":\"r-1\",\"runner_group_id\":1,\"labels\":[\"x\"]}");

            assertThat(github.drainViolations()).isEmpty();
        }

        @Test
        void stubbedAnswersForSeveralOrganisationsHooksAndReRuns() throws Exception {
            github.stubOrgInstallation("octo-org", 7);
            github.stubRepoInstallation("globex", "web", 8);
            github.stubNotInstalled("/orgs/initech");
            github.stubRerun("octo-org", "octo-repo", 5, 201);
            github.stubRerun("octo-org", "octo-repo", 6, 403);
            github.stubRerun("octo-org", "octo-repo", 7, 404);
            Instant now = Instant.parse("2026-11-22T00:00:00Z");
            List<GitHubWireMock.DeliveryFixture> failed =
                    List.of(new GitHubWireMock.DeliveryFixture(1, "g-1", now, false, 502, "workflow_job", "queued"));
            github.stubDeliveries(GitHubWireMock.orgHook("octo-org", 7), null, failed, "next");
            github.stubDeliveries(GitHubWireMock.repoHook("globex", "web", 9), null, failed, null);
            github.stubRedeliver(GitHubWireMock.orgHook("octo-org", 7), 1);
            github.stubRedeliver(GitHubWireMock.repoHook("globex", "web", 9), 1);

            send("GET", "/orgs/octo-org/installation", null);
            send("GET", "/repos/globex/web/installation", null);
            send("GET", "/orgs/initech/installation", null);
            for (long job = 5; job <= 7; job++) {
                send("POST", "/repos/octo-org/octo-repo/actions/jobs/" + job + "/rerun", null);
            }
            send("GET", "/orgs/octo-org/hooks/7/deliveries?per_page=100", null);
            send("GET", "/repos/globex/web/hooks/9/deliveries?per_page=100", null);
            send("POST", "/orgs/octo-org/hooks/7/deliveries/1/attempts", null);
            send("POST", "/repos/globex/web/hooks/9/deliveries/1/attempts", null);

            assertThat(github.drainViolations()).isEmpty();
        }

        @Test
        void theStatefulAppAndRunnersOfSeveralScopes() throws Exception {
            GitHubRunnerFake fake = github.stubStatefulApp();
            github.stubStatefulRunners(GitHubWireMock.org("acme"));
            github.stubStatefulRunners(GitHubWireMock.repo("globex", "web"));
            fake.install("acme", 11);
            fake.install("globex", 22, "web");
            fake.register(GitHubWireMock.org("acme"), "r-1", List.of("self-hosted"), false);
            fake.failNext(
                    GitHubWireMock.repo("globex", "web"),
                    GitHubRunnerFake.Operation.JIT_CONFIG,
                    GitHubRunnerFake.Fault.UNPROCESSABLE);

            String jwt = "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln";

            assertThat(send("GET", "/orgs/acme/installation", null, jwt)).isEqualTo(200);
            assertThat(send("GET", "/repos/globex/web/installation", null, jwt)).isEqualTo(200);
            assertThat(send("GET", "/repos/globex/api/installation", null, jwt)).isEqualTo(404);
            assertThat(send("POST", "/app/installations/11/access_tokens", null, jwt))
                    .isEqualTo(201);
            assertThat(send("POST", "/app/installations/22/access_tokens", null, jwt))
                    .isEqualTo(201);
            assertThat(send("GET", "/orgs/acme/installation", null, "Bearer ghs_11_1"))
                    .isEqualTo(401);
            assertThat(send("GET", "/orgs/acme/actions/runners?per_page=100&page=1", null, "Bearer ghs_11_1"))
                    .isEqualTo(200);
            assertThat(send("GET", "/orgs/acme/actions/runners?per_page=100", null, "Bearer ghs_22_1"))
                    .as("another installation's token")
                    .isEqualTo(403);
            assertThat(send("GET", "/orgs/acme/actions/runners", null, "Bearer ghs_unknown"))
                    .isEqualTo(401);
            String jit = "{\"name\":\"r-2\",\"runner_group_id\":1,\"labels\":[\"x\"]}";
            assertThat(send("POST", "/repos/globex/web/actions/runners/generate-jitconfig", jit, "Bearer ghs_22_1"))
                    .isEqualTo(422);
            assertThat(send("POST", "/repos/globex/web/actions/runners/generate-jitconfig", jit, "Bearer ghs_22_1"))
                    .isEqualTo(201);
            assertThat(send("DELETE", "/orgs/acme/actions/runners/999", null, "token ghp_x"))
                    .isEqualTo(404);

            assertThat(github.drainViolations()).isEmpty();
            assertThat(fake.requestsWith("app")).isEqualTo(5);
            assertThat(fake.requestsWith("installation/22")).isEqualTo(3);
            assertThat(fake.runnerNames(GitHubWireMock.repo("globex", "web"))).containsExactly("r-2");
        }
    }

    private static void send(String method, String path, String body) throws IOException, InterruptedException {
        send(method, path, body, null);
    }

    private static int send(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(github.baseUrl() + path))
                .header("Accept", "application/vnd.github+json, application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
