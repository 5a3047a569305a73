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
    }

    private static void send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(github.baseUrl() + path))
                .header("Accept", "application/vnd.github+json, application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }
}
