package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi.JitRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RunnerRemoval;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.RunnerFixture;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestGitHubRunnerApiTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final GitHubScope ORG = GitHubScope.of("octo-org", "", 3);
    static final GitHubScope REPO = GitHubScope.of("octo-org", "octo-repo", 1);

    @Nested
    class WithAPersonalAccessToken {

        GitHubClients clients;
        GitHubRunnerApi api;

        @BeforeEach
        void setUp() {
            clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            api = clients.runners();
        }

        @Test
        void registersAJitRunnerInTheOrganisationsRunnerGroup() {
            github.stubJitConfig(ORG, 23, "pool-a-7", "ZW5jb2RlZA==");

            JitRunner runner = api.createJitRunner(ORG, "pool-a-7", List.of("self-hosted", "linux"));

            assertThat(runner.runnerId()).isEqualTo(23);
            assertThat(runner.name()).isEqualTo("pool-a-7");
            assertThat(runner.encodedJitConfig()).isEqualTo("ZW5jb2RlZA==");
            assertThat(runner.toString()).doesNotContain("ZW5jb2RlZA==");
            github.server()
                    .verify(
                            postRequestedFor(urlPathEqualTo("/orgs/octo-org/actions/runners/generate-jitconfig"))
                                    .withHeader("Authorization", equalTo("token ghp_testtoken000000000000000000000000"))
                                    .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                                    .withRequestBody(
                                            equalToJson(
                                                    "{\"name\":\"pool-a-7\",\"runner_group_id\":3,\"labels\":[\"self-hosted\",\"linux\"]}")));
            assertThat(clients.metrics.count(GitHubOperation.JIT_CONFIG, GitHubOutcome.SUCCESS))
                    .isEqualTo(1);
        }

        @Test
        void registersAnyNameAgainstTheEchoingStub() {
            github.stubJitConfigForAnyRunner(ORG);

            JitRunner a = api.createJitRunner(ORG, "pool-a-1", List.of("self-hosted", "linux"));
            JitRunner b = api.createJitRunner(ORG, "pool-a-2", List.of("gpu"));

            assertThat(a.name()).isEqualTo("pool-a-1");
            assertThat(a.encodedJitConfig()).isEqualTo("jit-pool-a-1");
            assertThat(b.name()).isEqualTo("pool-a-2");
            assertThat(a.runnerId()).isPositive();
        }

        @Test
        void registersARepositoryRunnerUnderTheRepository() {
            github.stubJitConfig(REPO, 24, "pool-b-1", "cmVwbw==");

            JitRunner runner = api.createJitRunner(REPO, "pool-b-1", List.of("gpu"));

            assertThat(runner.runnerId()).isEqualTo(24);
            assertThat(github.requestCount("/repos/octo-org/octo-repo/actions/runners/generate-jitconfig"))
                    .isEqualTo(1);
        }

        @Test
        void listsTheRunnersOfEveryPage() {
            List<RunnerFixture> first = new ArrayList<>();
            IntStream.rangeClosed(1, 100)
                    .forEach(i -> first.add(new RunnerFixture(i, "r-" + i, "online", i % 2 == 0, List.of("linux"))));
            github.stubRunnerPages(
                    ORG, List.of(first, List.of(new RunnerFixture(101, "r-101", "offline", false, List.of("gpu")))));

            List<RegisteredRunner> runners = api.listRunners(ORG);

            assertThat(runners).hasSize(101);
            assertThat(runners.get(1)).isEqualTo(new RegisteredRunner(2, "r-2", "online", true, List.of("linux")));
            assertThat(runners.get(100))
                    .isEqualTo(new RegisteredRunner(101, "r-101", "offline", false, List.of("gpu")));
        }

        @Test
        void reportsRemovedUnknownAndBusyRunners() {
            github.stubDeleteRunner(ORG, 1, 204);
            github.stubDeleteRunner(ORG, 2, 404);
            github.stubDeleteRunner(ORG, 3, 422);

            assertThat(api.removeRunner(ORG, 1)).isEqualTo(RunnerRemoval.REMOVED);
            assertThat(api.removeRunner(ORG, 2)).isEqualTo(RunnerRemoval.NOT_FOUND);
            assertThat(api.removeRunner(ORG, 3)).isEqualTo(RunnerRemoval.BUSY);
            for (int id = 1; id <= 3; id++) {
                github.server().verify(1, deleteRequestedFor(urlPathEqualTo("/orgs/octo-org/actions/runners/" + id)));
            }
            assertThat(clients.metrics.count(GitHubOperation.DELETE_RUNNER, GitHubOutcome.NOT_FOUND))
                    .isEqualTo(1);
        }

        @Test
        void isNotADryRun() {
            assertThat(api.dryRun()).isFalse();
        }
    }

    @Nested
    class AsAGitHubApp {

        static final long APP_ID = 123456;
        static final long INSTALLATION = 42;
        final KeyPair keys = GitHubClients.rsaKeyPair();
        final Instant start = Instant.parse("2026-11-22T00:00:00Z");

        @Test
        void mintsAnInstallationTokenWithTheAppJwtAndSendsItOnRunnerCalls() throws Exception {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_first", start.plus(Duration.ofHours(1)));
            github.stubRunnerPages(ORG, List.of(List.of()));

            clients.runners().listRunners(ORG);

            String jwtHeader = github.server()
                    .findAll(postRequestedFor(urlPathEqualTo("/app/installations/42/access_tokens")))
                    .get(0)
                    .getHeader("Authorization");
            assertThat(jwtHeader).startsWith("Bearer ");
            assertThat(jwtVerifies(jwtHeader.substring(7), keys)).isTrue();
            assertThat(jwtPayload(jwtHeader.substring(7))).contains("\"iss\":\"" + APP_ID + "\"");
            github.server()
                    .verify(getRequestedFor(urlPathEqualTo("/orgs/octo-org/actions/runners"))
                            .withHeader("Authorization", equalTo("Bearer ghs_first")));
        }

        @Test
        void acceptsThePkcs1KeyGitHubHandsOut() throws Exception {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs1Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_first", start.plus(Duration.ofHours(1)));
            github.stubRunnerPages(ORG, List.of(List.of()));

            clients.runners().listRunners(ORG);

            String jwt = github.server()
                    .findAll(postRequestedFor(urlPathEqualTo("/app/installations/42/access_tokens")))
                    .get(0)
                    .getHeader("Authorization")
                    .substring(7);
            assertThat(jwtVerifies(jwt, keys)).isTrue();
        }

        @Test
        void reusesTheTokenUntilFiveMinutesBeforeItExpiresThenRenewsIt() {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_first", start.plus(Duration.ofHours(1)));
            github.stubRunnerPages(ORG, List.of(List.of()));
            GitHubRunnerApi api = clients.runners();

            api.listRunners(ORG);
            clients.clock.advance(Duration.ofMinutes(54));
            api.listRunners(ORG);
            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(1);

            github.stubInstallationToken(INSTALLATION, "ghs_second", start.plus(Duration.ofHours(2)));
            clients.clock.advance(Duration.ofMinutes(2)); // 56 min: inside the 5-minute margin
            api.listRunners(ORG);

            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(2);
            github.server()
                    .verify(getRequestedFor(urlPathEqualTo("/orgs/octo-org/actions/runners"))
                            .withHeader("Authorization", equalTo("Bearer ghs_second")));
            assertThat(clients.metrics.count(GitHubOperation.INSTALLATION_TOKEN, GitHubOutcome.SUCCESS))
                    .isEqualTo(2);
        }

        @Test
        void aTokenGitHubRefusesIsDroppedAndTheNextCallMintsAFreshOne() {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_revoked", start.plus(Duration.ofHours(1)));
            github.stub(com.github.tomakehurst.wiremock.client.WireMock.get(
                            urlPathEqualTo("/orgs/octo-org/actions/runners"))
                    .willReturn(GitHubWireMock.json(
                            401,
                            Map.of(
                                    "message",
                                    "Bad credentials",
                                    "documentation_url",
                                    "https://docs.github.com/rest"))));
            GitHubRunnerApi api = clients.runners();

            assertThatThrownBy(() -> api.listRunners(ORG)).isInstanceOf(GitHubRejectedException.class);

            github.stubInstallationToken(INSTALLATION, "ghs_fresh", start.plus(Duration.ofHours(1)));
            github.stubRunnerPages(ORG, List.of(List.of()));
            api.listRunners(ORG);

            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(2);
            github.server()
                    .verify(getRequestedFor(urlPathEqualTo("/orgs/octo-org/actions/runners"))
                            .withHeader("Authorization", equalTo("Bearer ghs_fresh")));
        }

        @Test
        void aTokenThatExpiresAlmostAtOnceIsStillReusedForAMinute() {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_short", start.plus(Duration.ofMinutes(2)));
            github.stubRunnerPages(ORG, List.of(List.of()));
            GitHubRunnerApi api = clients.runners();

            api.listRunners(ORG);
            clients.clock.advance(Duration.ofSeconds(59));
            api.listRunners(ORG);
            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(1);

            clients.clock.advance(Duration.ofSeconds(1));
            api.listRunners(ORG);
            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(2);
        }

        @Test
        void concurrentCallersShareOneTokenMint() throws Exception {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stubInstallationToken(INSTALLATION, "ghs_first", start.plus(Duration.ofHours(1)));
            github.stubRunnerPages(ORG, List.of(List.of()));
            GitHubRunnerApi api = clients.runners();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<List<RegisteredRunner>>> calls = new ArrayList<>();
                IntStream.range(0, 16).forEach(i -> calls.add(() -> api.listRunners(ORG)));
                for (Future<List<RegisteredRunner>> f : pool.invokeAll(calls)) {
                    assertThat(f.get()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(github.requestCount("/app/installations/42/access_tokens"))
                    .isEqualTo(1);
            assertThat(github.requestCount("/orgs/octo-org/actions/runners")).isEqualTo(16);
        }

        @Test
        void aRateLimitedTokenMintFailsTheCallerWithoutSendingTheCall() {
            GitHubClients clients =
                    GitHubClients.withApp(github.baseUrl(), APP_ID, GitHubClients.pkcs8Pem(keys), INSTALLATION, start);
            github.stub(post(urlPathEqualTo("/app/installations/42/access_tokens"))
                    .willReturn(GitHubWireMock.tooManyRequests(60)));

            assertThatThrownBy(() -> clients.runners().listRunners(ORG)).isInstanceOf(GitHubRateLimitedException.class);

            assertThat(github.requestCount("/orgs/octo-org/actions/runners")).isZero();
            assertThat(clients.metrics.count(GitHubOperation.INSTALLATION_TOKEN, GitHubOutcome.RATE_LIMITED))
                    .isEqualTo(1);
        }

        private static boolean jwtVerifies(String jwt, KeyPair keys) throws Exception {
            String[] parts = jwt.split("\\.");
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(keys.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return rs256.verify(Base64.getUrlDecoder().decode(parts[2]));
        }

        private static String jwtPayload(String jwt) {
            return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        }
    }
}
