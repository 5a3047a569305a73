package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kohsuke.github.GHRateLimit;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** github-api, where it has the call, runs over our guard: our auth, our metrics, and none of its retries or sleeps. */
@ExtendWith(OutputCaptureExtension.class)
class GitHubRateLimitProbeTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
    GitHubRateLimitProbe probe = clients.rateLimitProbe();

    @Test
    void readsTheCoreBudgetThroughOurClient() {
        Instant reset = Instant.now().plusSeconds(1800).truncatedTo(ChronoUnit.SECONDS);
        github.stubRateLimit(4321, reset);

        GHRateLimit.Record core = probe.coreLimit();

        assertThat(core.getRemaining()).isEqualTo(4321);
        assertThat(core.getLimit()).isEqualTo(5000);
        github.server()
                .verify(getRequestedFor(urlPathEqualTo("/rate_limit"))
                        .withHeader("Authorization", equalTo("token ghp_testtoken000000000000000000000000")));
        assertThat(clients.metrics.count(GitHubOperation.RATE_LIMIT, GitHubOutcome.SUCCESS))
                .isEqualTo(1);
        assertThat(clients.metrics.rateLimitRemaining("token")).contains(4321L);
    }

    @Test
    void anAppThatLooksItsInstallationsUpHasNothingToProbeAndSendsNothing(CapturedOutput output) {
        GitHubClients app = GitHubClients.withAppLookingUpInstallations(
                github.baseUrl(),
                1,
                GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()),
                Map.of(),
                new MutableClock(Instant.now()));

        app.rateLimitProbe().checkOnceReady();

        assertThat(output.getOut()).contains("the first lookup checks the credentials");
        assertThat(github.requestCount()).isZero();
    }

    @Test
    void aServerErrorIsNotRetriedByTheLibrary() {
        github.stub(get(urlPathEqualTo("/rate_limit")).willReturn(GitHubWireMock.serverError(503)));

        assertThatThrownBy(probe::coreLimit).isInstanceOf(GitHubUnavailableException.class);

        assertThat(github.requestCount("/rate_limit")).isEqualTo(1);
    }

    @Test
    void aRateLimitIsOursToHonourTheLibraryNeverSleeps() {
        github.stub(get(urlPathEqualTo("/rate_limit")).willReturn(GitHubWireMock.tooManyRequests(3600)));
        long start = System.nanoTime();

        assertThatThrownBy(probe::coreLimit).isInstanceOf(GitHubRateLimitedException.class);

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        assertThat(github.requestCount("/rate_limit")).isEqualTo(1);
        assertThat(clients.gate.closedUntil("token")).isPresent();
    }
}
