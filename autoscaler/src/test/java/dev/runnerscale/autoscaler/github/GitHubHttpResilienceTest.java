package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GitHub failing in every way it does: our client raises the typed exception, records the outcome, never retries,
 * and honours GitHub's wait for every operation (counted at the fake GitHub: no request before {@code retryAt}).
 */
class GitHubHttpResilienceTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final GitHubScope ORG = GitHubScope.of("octo-org", "", 1);
    static final String RUNNERS = "/orgs/octo-org/actions/runners";

    @Nested
    class ServerErrors {

        @Test
        void raiseUnavailableAfterExactlyOneRequest() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.serverError(502)));

            assertThatThrownBy(() -> clients.runners().listRunners(ORG))
                    .isExactlyInstanceOf(GitHubUnavailableException.class)
                    .hasMessageContaining("502");

            assertThat(github.requestCount(RUNNERS)).isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.ERROR))
                    .isEqualTo(1);
        }

        @Test
        void openTheCircuitWhichThenSendsNothing() {
            GitHubClients clients = GitHubClients.withToken(
                    github.baseUrl(),
                    Map.of(
                            "runnerscale.github.circuit-breaker.minimum-number-of-calls", "2",
                            "runnerscale.github.circuit-breaker.sliding-window-size", "2",
                            "runnerscale.github.circuit-breaker.wait-in-open-state", "10m"));
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.serverError(500)));
            GitHubRunnerApi api = clients.runners();
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> api.listRunners(ORG)).isInstanceOf(GitHubUnavailableException.class);
            }
            github.stubRunnerPages(ORG, List.of(List.of()));

            assertThatThrownBy(() -> api.listRunners(ORG))
                    .isInstanceOf(GitHubUnavailableException.class)
                    .hasMessageContaining("circuit breaker is open");
            assertThatThrownBy(() -> api.removeRunner(ORG, 5))
                    .isInstanceOf(GitHubUnavailableException.class)
                    .hasMessageContaining("circuit breaker is open");

            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(clients.http.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.CIRCUIT_OPEN))
                    .isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.DELETE_RUNNER, GitHubOutcome.CIRCUIT_OPEN))
                    .isEqualTo(1);
        }
    }

    /** GitHub is up and refuses one request: a rejection with a reason, never an outage, never a wait. */
    @Nested
    class Rejections {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "401, bad_credentials, Bad credentials, rejected",
            "403, forbidden, Resource not accessible by integration, rejected",
            "404, not_found, Not Found, not_found",
            "409, conflict, Already exists - A runner with the name r-1 already exists., rejected",
            "422, unprocessable, Invalid runner_group_id, rejected"
        })
        void areRejectionsWithABoundedReasonAndGitHubsMessage(int status, String slug, String message, String outcome) {
            GitHubClients clients = GitHubClients.withToken(
                    github.baseUrl(),
                    Map.of(
                            "runnerscale.github.circuit-breaker.minimum-number-of-calls", "2",
                            "runnerscale.github.circuit-breaker.sliding-window-size", "2"));
            github.stub(post(urlPathEqualTo(RUNNERS + "/generate-jitconfig"))
                    .willReturn(GitHubWireMock.json(
                            status, Map.of("message", message, "documentation_url", GitHubWireMock.DOCS))));
            GitHubRunnerApi api = clients.runners();

            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> api.createJitRunner(ORG, "r-1", List.of("x")))
                        .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                            assertThat(e).isNotInstanceOf(GitHubUnavailableException.class);
                            assertThat(e.status()).isEqualTo(status);
                            assertThat(e.reason().slug()).isEqualTo(slug);
                            assertThat(e.gitHubMessage()).isEqualTo(message);
                        })
                        .hasMessageContaining("jit_config (" + status + " " + slug + "): " + message)
                        .hasMessageNotContaining("ghp_testtoken");
            }

            // GitHub is up: a rejection never opens the circuit nor closes the credential's gate.
            assertThat(clients.http.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(clients.http.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                    .isZero();
            assertThat(clients.gate.closedUntil("token")).isEmpty();
            assertThat(api.heldUntil(ORG)).isEmpty();
            assertThat(clients.registry
                            .get("runnerscale.github.requests")
                            .tag("operation", "jit_config")
                            .tag("outcome", outcome)
                            .counter()
                            .count())
                    .isEqualTo(3);
            assertThat(github.requestCount(RUNNERS + "/generate-jitconfig")).isEqualTo(3);
        }

        @Test
        void anUnreadableAnswerIsAnOutageNotARejection() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stub(get(urlPathEqualTo(RUNNERS))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"total_count\": 1, \"runners\": [")));

            assertThatThrownBy(() -> clients.runners().listRunners(ORG))
                    .isExactlyInstanceOf(GitHubUnavailableException.class)
                    .hasMessageContaining("unreadable JSON");
            assertThat(clients.http.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                    .isEqualTo(1);
            // The fake GitHub answered outside the description on purpose.
            assertThat(github.drainViolations()).isNotEmpty();
        }
    }

    @Nested
    class Timeouts {

        @Test
        void raiseUnavailableAndCountAsCircuitFailures() {
            GitHubClients clients =
                    GitHubClients.withToken(github.baseUrl(), Map.of("runnerscale.github.read-timeout", "200ms"));
            github.stub(get(urlPathEqualTo(RUNNERS))
                    .willReturn(GitHubWireMock.json(200, Map.of("total_count", 0, "runners", List.of()))
                            .withFixedDelay(1500)));

            assertThatThrownBy(() -> clients.runners().listRunners(ORG))
                    .isExactlyInstanceOf(GitHubUnavailableException.class);

            assertThat(clients.http.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                    .isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.ERROR))
                    .isEqualTo(1);
        }
    }

    @Nested
    class RateLimits {

        @Test
        void tooManyRequestsWithRetryAfterClosesTheGateForEveryOperationUntilThen() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.tooManyRequests(30)));
            Instant before = clients.clock.instant();

            GitHubRateLimitedException limited =
                    catchRateLimited(() -> clients.runners().listRunners(ORG));
            assertThat(limited.retryAt()).isEqualTo(before.plusSeconds(30));

            github.stubRunnerPages(ORG, List.of(List.of()));
            github.stubDeleteRunner(ORG, 5, 204);
            clients.clock.advance(Duration.ofSeconds(29));
            assertThat(catchRateLimited(() -> clients.runners().listRunners(ORG))
                            .retryAt())
                    .isEqualTo(limited.retryAt());
            catchRateLimited(() -> clients.runners().removeRunner(ORG, 5));
            assertThat(github.requestCount()).isEqualTo(1);

            clients.clock.advance(Duration.ofSeconds(1));
            assertThat(clients.runners().listRunners(ORG)).isEmpty();
            assertThat(github.requestCount()).isEqualTo(2);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.RATE_LIMITED))
                    .isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.REFUSED))
                    .isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.DELETE_RUNNER, GitHubOutcome.REFUSED))
                    .isEqualTo(1);
        }

        @Test
        void underConcurrencyEveryThreadSendsAtMostOneRequestOnceLimited() throws Exception {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.tooManyRequests(600)));
            int threads = 16;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger limited = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 10; i++) {
                            try {
                                clients.runners().listRunners(ORG);
                            } catch (GitHubRateLimitedException e) {
                                limited.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(limited.get()).isEqualTo(threads * 10);
            // Only calls already in flight when the first 429 arrived reached GitHub: at most one per thread.
            assertThat(github.requestCount(RUNNERS)).isBetween(1L, (long) threads);
        }

        @Test
        void anExhaustedPrimaryLimitWaitsUntilTheReset() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            Instant now = clients.clock.instant().truncatedTo(ChronoUnit.SECONDS);
            clients.clock.set(now);
            Instant reset = now.plusSeconds(600);
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.primaryLimitExhausted(reset)));

            GitHubRateLimitedException limited =
                    catchRateLimited(() -> clients.runners().listRunners(ORG));

            // Relative to GitHub's Date header when present: equal to the reset within clock-second rounding.
            assertThat(limited.retryAt()).isCloseTo(reset, within(3, ChronoUnit.SECONDS));
            assertThat(clients.gate.closedUntil("token")).contains(limited.retryAt());
            assertThat(clients.metrics.rateLimitRemaining("token")).contains(0L);
        }

        @Test
        void aForbiddenThatIsNotARateLimitIsARejectionAndLeavesTheGateOpen() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stub(get(urlPathEqualTo(RUNNERS)).willReturn(GitHubWireMock.missingPermission()));

            assertThatThrownBy(() -> clients.runners().listRunners(ORG))
                    .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.reason()).isEqualTo(GitHubRejectedException.Reason.FORBIDDEN);
                        assertThat(e.gitHubMessage()).isEqualTo("Resource not accessible by integration");
                    })
                    .hasMessageContaining("Resource not accessible by integration");
            assertThat(clients.gate.closedUntil("token")).isEmpty();
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.REJECTED))
                    .isEqualTo(1);

            github.stubRunnerPages(ORG, List.of(List.of()));
            assertThat(clients.runners().listRunners(ORG)).isEmpty();
            assertThat(github.requestCount()).isEqualTo(2);
        }

        @Test
        void theRemainingBudgetGaugeFollowsGitHubsHeader() {
            GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
            github.stubRunnerPages(ORG, List.of(List.of()));

            clients.runners().listRunners(ORG);

            assertThat(clients.metrics.rateLimitRemaining("token")).contains(4999L);
            assertThat(clients.registry
                            .get("runnerscale.github.rate.limit.remaining")
                            .tag("scope", "token")
                            .gauge()
                            .value())
                    .isEqualTo(4999);
        }

        @Test
        void ourOwnLimiterRefusesBeyondItsPaceWithoutSending() {
            GitHubClients clients = GitHubClients.withToken(
                    github.baseUrl(),
                    Map.of(
                            "runnerscale.github.rate-limiter.limit-for-period", "1",
                            "runnerscale.github.rate-limiter.refresh-period", "1h",
                            "runnerscale.github.rate-limiter.timeout", "0s"));
            github.stubRunnerPages(ORG, List.of(List.of()));

            clients.runners().listRunners(ORG);
            catchRateLimited(() -> clients.runners().listRunners(ORG));

            assertThat(github.requestCount()).isEqualTo(1);
            assertThat(clients.metrics.count(GitHubOperation.LIST_RUNNERS, GitHubOutcome.REFUSED))
                    .isEqualTo(1);
        }
    }

    private static GitHubRateLimitedException catchRateLimited(Runnable call) {
        try {
            call.run();
        } catch (GitHubRateLimitedException e) {
            return e;
        }
        throw new AssertionError("expected GitHubRateLimitedException");
    }
}
