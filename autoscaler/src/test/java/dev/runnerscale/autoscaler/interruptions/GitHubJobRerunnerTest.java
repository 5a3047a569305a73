package dev.runnerscale.autoscaler.interruptions;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The re-run port on the real GitHub client: what may be asked again (certainly not carried out) and what must not
 * (it may have been), against GitHub behind WireMock, every request and answer validated against its OpenAPI
 * description.
 */
class GitHubJobRerunnerTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    private static final String PATH = "/repos/octo-org/octo-repo/actions/jobs/%d/rerun";

    private GitHubJobRerunner rerunner(GitHubClients clients) {
        return new GitHubJobRerunner(clients.jobs());
    }

    private GitHubJobRerunner rerunner() {
        return rerunner(GitHubClients.withToken(github.baseUrl(), Map.of()));
    }

    @Test
    void acceptedIsRequestedAndAPermanentRefusalOrAnUnknownJobIsRejected() {
        github.stubRerun("octo-org", "octo-repo", 1, 201);
        github.stubRerun("octo-org", "octo-repo", 2, 403);
        github.stubRerun("octo-org", "octo-repo", 3, 404);

        assertThat(rerunner().rerun("octo-org", "octo-repo", 1)).isEqualTo(JobRerunner.Outcome.REQUESTED);
        assertThat(rerunner().rerun("octo-org", "octo-repo", 2)).isEqualTo(JobRerunner.Outcome.REJECTED);
        assertThat(rerunner().rerun("octo-org", "octo-repo", 3)).isEqualTo(JobRerunner.Outcome.REJECTED);
        assertThat(github.server().findAll(postRequestedFor(urlPathEqualTo(PATH.formatted(1)))))
                .hasSize(1);
    }

    @Test
    void aRateLimitOrA503WasNotCarriedOutAndMayBeAskedAgain() {
        github.stub(post(urlPathEqualTo(PATH.formatted(4))).willReturn(GitHubWireMock.tooManyRequests(30)));
        github.stub(post(urlPathEqualTo(PATH.formatted(5))).willReturn(GitHubWireMock.serverError(503)));

        assertThatThrownBy(() -> rerunner().rerun("octo-org", "octo-repo", 4)).isInstanceOf(JobRerunner.NotSent.class);
        assertThatThrownBy(() -> rerunner().rerun("octo-org", "octo-repo", 5)).isInstanceOf(JobRerunner.NotSent.class);
    }

    @Test
    void anOpenCircuitOrAConnectionNeverMadeSendsNothing() throws Exception {
        GitHubClients open = GitHubClients.withToken(github.baseUrl(), Map.of());
        open.http.circuitBreaker().transitionToOpenState();
        assertThatThrownBy(() -> rerunner(open).rerun("octo-org", "octo-repo", 6))
                .isInstanceOf(JobRerunner.NotSent.class);
        assertThat(github.server().findAll(postRequestedFor(urlPathEqualTo(PATH.formatted(6)))))
                .isEmpty();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        GitHubClients nowhere = GitHubClients.withToken("http://127.0.0.1:" + closedPort, Map.of());
        assertThatThrownBy(() -> rerunner(nowhere).rerun("octo-org", "octo-repo", 6))
                .isInstanceOf(JobRerunner.NotSent.class);
    }

    @Test
    void aServerErrorThatMayComeAfterGitHubActedOrATimeoutAfterSendingIsNeverAskedAgain() {
        github.stub(post(urlPathEqualTo(PATH.formatted(7))).willReturn(GitHubWireMock.serverError(502)));
        github.stub(post(urlPathEqualTo(PATH.formatted(8)))
                .willReturn(GitHubWireMock.json(201, Map.of()).withFixedDelay(1_500)));

        assertThatThrownBy(() -> rerunner().rerun("octo-org", "octo-repo", 7))
                .isExactlyInstanceOf(GitHubUnavailableException.class);
        GitHubClients impatient =
                GitHubClients.withToken(github.baseUrl(), Map.of("runnerscale.github.read-timeout", "200ms"));
        assertThatThrownBy(() -> rerunner(impatient).rerun("octo-org", "octo-repo", 8))
                .isExactlyInstanceOf(GitHubUnavailableException.class)
                .satisfies(
                        e -> assertThat(((GitHubUnavailableException) e).sent()).isTrue());
    }
}
