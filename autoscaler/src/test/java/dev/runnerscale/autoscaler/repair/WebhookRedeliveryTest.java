package dev.runnerscale.autoscaler.repair;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.github.GitHubClients;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.Hook;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.OrganisationHook;
import dev.runnerscale.autoscaler.github.GitHubHookDeliveries.RepositoryHook;
import dev.runnerscale.autoscaler.repair.WebhookRedelivery.RedeliveryScan;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock.DeliveryFixture;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookRedeliveryTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    static final long INSTALLATION = 42;
    static final Hook APP = new GitHubHookDeliveries.AppHook();

    GitHubClients clients;
    WebhookRedelivery redelivery;

    @BeforeEach
    void setUp() {
        clients = GitHubClients.withApp(
                github.baseUrl(), 123, GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()), INSTALLATION, T0);
        redelivery = new WebhookRedelivery(
                clients.deliveries(), List.of(APP), clients.properties.redelivery(), clients.clock, clients.registry);
    }

    static DeliveryFixture attempt(long id, String guid, Duration ago, int status) {
        return new DeliveryFixture(id, guid, T0.minus(ago), id > 1000, status, "workflow_job", "queued");
    }

    long redeliveries(long id) {
        return github.requestCount("/app/hook/deliveries/" + id + "/attempts");
    }

    double counted(String outcome) {
        return clients.registry
                .get("runnerscale.webhook.redeliveries")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    @Nested
    class AScan {

        @Test
        void redeliversAFailedDeliveryWithTheAppJwt() {
            github.stubDeliveries(null, List.of(attempt(1, "guid-a", Duration.ofMinutes(10), 502)), null);
            github.stubRedeliver(1);

            RedeliveryScan scan = redelivery.scanOnce();

            assertThat(scan.requested()).isEqualTo(1);
            assertThat(redeliveries(1)).isEqualTo(1);
            String auth = github.server()
                    .findAll(postRequestedFor(urlPathEqualTo("/app/hook/deliveries/1/attempts")))
                    .get(0)
                    .getHeader("Authorization");
            assertThat(auth).startsWith("Bearer ey"); // a JWT, not an installation token
            assertThat(counted("requested")).isEqualTo(1);
        }

        @Test
        void leavesAloneWhatSucceededOnAnyAttemptOtherEventsAndWhatIsOlderThanTheLookBack() {
            github.stubDeliveries(
                    null,
                    List.of(
                            attempt(1001, "guid-b", Duration.ofMinutes(5), 200), // a redelivery that worked
                            attempt(2, "guid-b", Duration.ofMinutes(20), 500),
                            attempt(3, "guid-c", Duration.ofMinutes(30), 200),
                            new DeliveryFixture(4, "guid-d", T0.minusSeconds(60), false, 500, "ping", null),
                            attempt(5, "guid-e", Duration.ofHours(7), 500)), // default look-back: 6 h
                    null);

            RedeliveryScan scan = redelivery.scanOnce();

            assertThat(scan.failedGuids()).isZero();
            assertThat(scan.requested()).isZero();
            assertThat(github.requestCount()).isEqualTo(1);
        }

        @Test
        void followsTheCursorToOlderPages() {
            github.stubDeliveries(null, List.of(attempt(10, "guid-f", Duration.ofMinutes(1), 200)), "c2");
            github.stubDeliveries("c2", List.of(attempt(9, "guid-g", Duration.ofMinutes(40), 504)), null);
            github.stubRedeliver(9);

            assertThat(redelivery.scanOnce().requested()).isEqualTo(1);
            assertThat(redeliveries(9)).isEqualTo(1);
        }

        @Test
        void requestsAtMostItsBound() {
            List<DeliveryFixture> failures = new ArrayList<>();
            for (long id = 1; id <= 25; id++) {
                failures.add(attempt(id, "guid-" + id, Duration.ofMinutes(id), 500));
                github.stubRedeliver(id);
            }
            github.stubDeliveries(null, failures, null);

            RedeliveryScan scan = redelivery.scanOnce();

            assertThat(scan.failedGuids()).isEqualTo(25);
            assertThat(scan.requested()).isEqualTo(20); // max-per-scan default
            // Oldest first: they leave the redelivery window soonest.
            assertThat(redeliveries(25)).isEqualTo(1);
            assertThat(redeliveries(1)).isZero();
        }
    }

    @Nested
    class AcrossScans {

        @Test
        void aGuidIsNotRequestedAgainWhileOurRequestHasNoNewAttempt() {
            github.stubDeliveries(null, List.of(attempt(1, "guid-a", Duration.ofMinutes(10), 502)), null);
            github.stubRedeliver(1);
            redelivery.scanOnce();
            clients.clock.advance(Duration.ofMinutes(5));

            redelivery.scanOnce();

            assertThat(redeliveries(1)).isEqualTo(1);
        }

        @Test
        void aFailedRedeliveryIsRetriedUpToTheAttemptLimit() {
            github.stubRedeliver(1);
            for (int scan = 1; scan <= 5; scan++) {
                // Each of our requests produced one more failed attempt, newer than the request.
                List<DeliveryFixture> attempts = new ArrayList<>();
                for (int a = scan - 1; a >= 1; a--) {
                    attempts.add(new DeliveryFixture(
                            1000 + a,
                            "guid-a",
                            T0.plus(Duration.ofMinutes(5L * a - 1)),
                            true,
                            502,
                            "workflow_job",
                            "queued"));
                }
                attempts.add(attempt(1, "guid-a", Duration.ofMinutes(10), 502));
                github.server().resetMappings();
                github.stubDeliveries(null, attempts, null);
                for (int a = 1; a < scan; a++) {
                    github.stubRedeliver(1000 + a);
                }
                github.stubRedeliver(1);
                redelivery.scanOnce();
                clients.clock.advance(Duration.ofMinutes(5));
            }

            long total = github.server()
                    .findAll(postRequestedFor(urlPathMatching("/app/hook/deliveries/[0-9]+/attempts")))
                    .size();
            assertThat(total).isEqualTo(3); // max-attempts-per-delivery default
        }
    }

    @Nested
    class AfterARestart {

        @Test
        void nothingThatSucceededIsRequestedAgainAndWhatStillFailsIs() {
            github.stubDeliveries(
                    null,
                    List.of(
                            attempt(1, "guid-a", Duration.ofMinutes(10), 502),
                            attempt(2, "guid-b", Duration.ofMinutes(20), 502)),
                    null);
            github.stubRedeliver(1);
            github.stubRedeliver(2);
            redelivery.scanOnce();
            assertThat(redeliveries(1) + redeliveries(2)).isEqualTo(2);

            // guid-a's redelivery reached us; guid-b's failed again. Then the process restarts (memory lost).
            clients.clock.advance(Duration.ofMinutes(5));
            github.server().resetAll();
            github.stubDeliveries(
                    null,
                    List.of(
                            new DeliveryFixture(
                                    1002, "guid-b", T0.plusSeconds(200), true, 503, "workflow_job", "queued"),
                            new DeliveryFixture(
                                    1001, "guid-a", T0.plusSeconds(100), true, 202, "workflow_job", "queued"),
                            attempt(1, "guid-a", Duration.ofMinutes(10), 502),
                            attempt(2, "guid-b", Duration.ofMinutes(20), 502)),
                    null);
            github.stubRedeliver(1002);
            WebhookRedelivery restarted = new WebhookRedelivery(
                    clients.deliveries(),
                    List.of(APP),
                    clients.properties.redelivery(),
                    clients.clock,
                    clients.registry);

            RedeliveryScan scan = restarted.scanOnce();

            assertThat(scan.failedGuids()).isEqualTo(1);
            assertThat(redeliveries(1002)).isEqualTo(1);
            assertThat(github.requestCount()).isEqualTo(2);
        }
    }

    @Nested
    class WhenGitHubFails {

        @Test
        void aRateLimitStopsTheScanAndIsCounted() {
            github.stubDeliveries(
                    null,
                    List.of(
                            attempt(1, "guid-a", Duration.ofMinutes(10), 502),
                            attempt(2, "guid-b", Duration.ofMinutes(20), 502)),
                    null);
            github.stub(post(urlPathEqualTo("/app/hook/deliveries/2/attempts"))
                    .willReturn(GitHubWireMock.tooManyRequests(60)));

            RedeliveryScan scan = redelivery.scanOnce();

            assertThat(scan.interruptedBy()).isPresent();
            assertThat(redeliveries(1)).isZero();
            assertThat(counted("failed")).isEqualTo(1);
        }

        @Test
        void anUnavailableListingRequestsNothing() {
            github.stub(get(urlPathEqualTo("/app/hook/deliveries")).willReturn(GitHubWireMock.serverError(503)));

            RedeliveryScan scan = redelivery.scanOnce();

            assertThat(scan.interruptedBy()).isPresent();
            assertThat(github.requestCount()).isEqualTo(1);
        }
    }

    /** With a personal access token: organisation and repository hooks configured by id, the same rules per hook. */
    @Nested
    class OrganisationAndRepositoryHooks {

        static final Hook ORG_HOOK = new OrganisationHook("acme", 7);
        static final Hook REPO_HOOK = new RepositoryHook("acme", "web", 9);
        static final String ORG = GitHubWireMock.orgHook("acme", 7);
        static final String REPO = GitHubWireMock.repoHook("acme", "web", 9);

        GitHubClients token;
        WebhookRedelivery pat;

        @BeforeEach
        void withAToken() {
            setUpWith(Map.of());
        }

        void setUpWith(Map<String, String> settings) {
            token = GitHubClients.withToken(github.baseUrl(), settings, T0);
            pat = new WebhookRedelivery(
                    token.deliveries(),
                    List.of(ORG_HOOK, REPO_HOOK),
                    token.properties.redelivery(),
                    token.clock,
                    token.registry);
        }

        double countedHere(String outcome) {
            return token.registry
                    .get("runnerscale.webhook.redeliveries")
                    .tag("outcome", outcome)
                    .counter()
                    .count();
        }

        @Test
        void redeliversTheFailedDeliveriesOfEachHookWithTheToken() {
            github.stubDeliveries(
                    ORG,
                    null,
                    List.of(
                            attempt(1, "guid-a", Duration.ofMinutes(10), 502),
                            attempt(2, "guid-b", Duration.ofMinutes(20), 200)),
                    null);
            github.stubDeliveries(REPO, null, List.of(attempt(3, "guid-c", Duration.ofMinutes(5), 500)), null);
            github.stubRedeliver(ORG, 1);
            github.stubRedeliver(REPO, 3);

            RedeliveryScan scan = pat.scanOnce();

            assertThat(scan.requested()).isEqualTo(2);
            assertThat(scan.failedGuids()).isEqualTo(2);
            assertThat(scan.interruptedBy()).isEmpty();
            github.server()
                    .verify(postRequestedFor(urlPathEqualTo(ORG + "/deliveries/1/attempts"))
                            .withHeader("Authorization", equalTo("token ghp_testtoken000000000000000000000000")));
            github.server().verify(1, postRequestedFor(urlPathEqualTo(REPO + "/deliveries/3/attempts")));
            assertThat(countedHere("requested")).isEqualTo(2);
        }

        @Test
        void eachHookFollowsItsCursorAndHasItsOwnBound() {
            setUpWith(Map.of("runnerscale.github.redelivery.max-per-scan", "1"));
            github.stubDeliveries(ORG, null, List.of(attempt(10, "guid-f", Duration.ofMinutes(1), 200)), "c2");
            github.stubDeliveries(
                    ORG,
                    "c2",
                    List.of(
                            attempt(9, "guid-g", Duration.ofMinutes(40), 504),
                            attempt(8, "guid-h", Duration.ofMinutes(50), 504)),
                    null);
            github.stubDeliveries(REPO, null, List.of(attempt(3, "guid-c", Duration.ofMinutes(5), 500)), null);
            github.stubRedeliver(ORG, 8);
            github.stubRedeliver(REPO, 3);

            RedeliveryScan scan = pat.scanOnce();

            assertThat(scan.requested()).isEqualTo(2);
            assertThat(github.requestCount(ORG + "/deliveries/8/attempts")).isEqualTo(1); // oldest first
            assertThat(github.requestCount(ORG + "/deliveries/9/attempts")).isZero();
            assertThat(github.requestCount(REPO + "/deliveries/3/attempts")).isEqualTo(1);

            // The next scan: guid-h waits for its new attempt, guid-g gets its turn.
            github.stubRedeliver(ORG, 9);
            token.clock.advance(Duration.ofMinutes(5));
            pat.scanOnce();
            assertThat(github.requestCount(ORG + "/deliveries/9/attempts")).isEqualTo(1);
            assertThat(github.requestCount(ORG + "/deliveries/8/attempts")).isEqualTo(1);
        }

        @Test
        void anUnknownHookIsRefusedAndTheNextHookIsStillScanned() {
            github.stub(get(urlPathEqualTo(ORG + "/deliveries")).willReturn(GitHubWireMock.notFound()));
            github.stubDeliveries(REPO, null, List.of(attempt(3, "guid-c", Duration.ofMinutes(5), 500)), null);
            github.stubRedeliver(REPO, 3);

            RedeliveryScan scan = pat.scanOnce();

            assertThat(scan.requested()).isEqualTo(1);
            assertThat(scan.interruptedBy())
                    .hasValueSatisfying(
                            why -> assertThat(why).contains("hook 7 of acme").contains("404"));
            assertThat(countedHere("rejected")).isEqualTo(1);
        }

        @Test
        void anOutageStopsTheWholeScan() {
            github.stub(get(urlPathEqualTo(ORG + "/deliveries")).willReturn(GitHubWireMock.serverError(503)));
            github.stubDeliveries(REPO, null, List.of(attempt(3, "guid-c", Duration.ofMinutes(5), 500)), null);

            RedeliveryScan scan = pat.scanOnce();

            assertThat(scan.interruptedBy()).isPresent();
            assertThat(github.requestCount(REPO + "/deliveries")).isZero();
            assertThat(countedHere("failed")).isEqualTo(1);
        }

        @Test
        void aRateLimitOfTheTokenHoldsEveryHookItServesWithoutAnotherRequest() {
            github.stub(get(urlPathEqualTo(ORG + "/deliveries")).willReturn(GitHubWireMock.tooManyRequests(60)));
            github.stubDeliveries(REPO, null, List.of(attempt(3, "guid-c", Duration.ofMinutes(5), 500)), null);

            RedeliveryScan scan = pat.scanOnce();

            assertThat(scan.interruptedBy()).isPresent();
            assertThat(github.requestCount()).isEqualTo(1);
            assertThat(countedHere("failed")).isEqualTo(2);
        }

        @Test
        void withAnAppARateLimitedInstallationDoesNotStopTheAppsOwnHook() {
            GitHubClients app = GitHubClients.withAppLookingUpInstallations(
                    github.baseUrl(),
                    123,
                    GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()),
                    Map.of(),
                    new MutableClock(T0));
            WebhookRedelivery both = new WebhookRedelivery(
                    app.deliveries(), List.of(ORG_HOOK, APP), app.properties.redelivery(), app.clock, app.registry);
            github.stubOrgInstallation("acme", 11);
            github.stubInstallationToken(11, "ghs_eleven", T0.plus(Duration.ofHours(1)));
            github.stub(get(urlPathEqualTo(ORG + "/deliveries")).willReturn(GitHubWireMock.tooManyRequests(60)));
            github.stubDeliveries(null, List.of(attempt(1, "guid-a", Duration.ofMinutes(10), 502)), null);
            github.stubRedeliver(1);

            RedeliveryScan scan = both.scanOnce();

            assertThat(scan.requested()).isEqualTo(1);
            github.server()
                    .verify(getRequestedFor(urlPathEqualTo(ORG + "/deliveries"))
                            .withHeader("Authorization", equalTo("Bearer ghs_eleven")));
            assertThat(github.server()
                            .findAll(postRequestedFor(urlPathEqualTo("/app/hook/deliveries/1/attempts")))
                            .get(0)
                            .getHeader("Authorization"))
                    .startsWith("Bearer ey");
        }
    }
}
