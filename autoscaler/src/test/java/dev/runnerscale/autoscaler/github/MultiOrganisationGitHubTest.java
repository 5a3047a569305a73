package dev.runnerscale.autoscaler.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runnerscale.autoscaler.github.GitHubRejectedException.Reason;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Fault;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

/**
 * One GitHub App installed on two organisations, pools in both and a repository-scoped pool, against the stateful
 * fake GitHub (which refuses a token of the wrong installation, as GitHub does): each scope is served by its owner's
 * installation, errors, waits and budgets stay with the scope or credential they concern.
 */
class MultiOrganisationGitHubTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    static final String KEY = GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair());
    static final GitHubScope ACME = GitHubWireMock.org("acme");
    static final GitHubScope ACME_WEB = GitHubWireMock.repo("acme", "web");
    static final GitHubScope GLOBEX = GitHubWireMock.org("globex");
    static final GitHubScope INITECH = GitHubWireMock.org("initech");
    static final long ACME_INSTALLATION = 11;
    static final long GLOBEX_INSTALLATION = 22;
    static final List<String> LABELS = List.of("self-hosted", "linux");

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    GitHubRunnerFake fake;
    GitHubClients clients;
    GitHubRunnerApi api;

    @BeforeEach
    void setUp() {
        fake = github.stubStatefulApp();
        for (GitHubScope scope : List.of(ACME, ACME_WEB, GLOBEX, INITECH)) {
            github.stubStatefulRunners(scope);
        }
        fake.clock(clock);
        fake.install("acme", ACME_INSTALLATION);
        fake.install("globex", GLOBEX_INSTALLATION);
        clients = GitHubClients.withAppLookingUpInstallations(github.baseUrl(), 123, KEY, Map.of(), clock);
        api = clients.runners();
    }

    long lookups(String ownerPath) {
        return github.requestCount(ownerPath + "/installation");
    }

    @Nested
    class Installations {

        @Test
        void eachScopeIsServedByItsOwnersInstallationLookedUpOnce() {
            api.createJitRunner(ACME, "acme-1", LABELS);
            api.createJitRunner(ACME_WEB, "web-1", LABELS);
            api.createJitRunner(GLOBEX, "globex-1", LABELS);
            api.listRunners(ACME);
            api.listRunners(GLOBEX);

            assertThat(fake.runnerNames(ACME)).containsExactly("acme-1");
            assertThat(fake.runnerNames(ACME_WEB)).containsExactly("web-1");
            assertThat(fake.runnerNames(GLOBEX)).containsExactly("globex-1");
            assertThat(lookups("/orgs/acme")).isEqualTo(1);
            assertThat(lookups("/orgs/globex")).isEqualTo(1);
            // The owner's installation serves its repository: GitHub allows one installation per account.
            assertThat(lookups("/repos/acme/web")).isZero();
            assertThat(fake.tokensMinted(ACME_INSTALLATION)).isEqualTo(1);
            assertThat(fake.tokensMinted(GLOBEX_INSTALLATION)).isEqualTo(1);
            assertThat(fake.requestsWith("installation/11")).isEqualTo(3);
            assertThat(fake.requestsWith("installation/22")).isEqualTo(2);
            assertThat(fake.requestsWith("app")).isEqualTo(4); // two lookups, two mints
        }

        @Test
        void aRepositoryOfAnOwnerNotYetKnownIsLookedUpThroughTheRepository() {
            api.listRunners(ACME_WEB);
            api.listRunners(ACME);

            assertThat(lookups("/repos/acme/web")).isEqualTo(1);
            assertThat(lookups("/orgs/acme")).isZero();
        }

        @Test
        void aLookupIsRepeatedOnlyAfterTheCacheExpires() {
            api.listRunners(ACME);
            clock.advance(Duration.ofMinutes(59));
            api.listRunners(ACME);
            assertThat(lookups("/orgs/acme")).isEqualTo(1);

            clock.advance(Duration.ofMinutes(2));
            api.listRunners(ACME);

            assertThat(lookups("/orgs/acme")).isEqualTo(2);
        }

        @Test
        void anOwnerWithoutTheAppIsARejectionOfItsScopeOnlyAndIsNotAskedAgainAtOnce() {
            assertThatThrownBy(() -> api.listRunners(INITECH))
                    .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.NOT_INSTALLED);
                        assertThat(e.reason().slug()).isEqualTo("not_installed");
                        assertThat(e.status()).isEqualTo(404);
                    })
                    .hasMessageContaining("the GitHub App is not installed on initech")
                    .isNotInstanceOf(GitHubUnavailableException.class);
            assertThat(api.heldUntil(INITECH)).isEmpty();
            assertThat(api.listRunners(ACME)).isEmpty();

            clock.advance(Duration.ofMinutes(4));
            assertThatThrownBy(() -> api.createJitRunner(INITECH, "i-1", LABELS))
                    .isInstanceOf(GitHubRejectedException.class);
            assertThat(lookups("/orgs/initech")).isEqualTo(1);

            fake.install("initech", 33);
            clock.advance(Duration.ofMinutes(1));
            assertThat(api.listRunners(INITECH)).isEmpty();
            assertThat(lookups("/orgs/initech")).isEqualTo(2);
            assertThat(fake.requests(INITECH, Operation.LIST_RUNNERS)).isEqualTo(1);
        }

        @Test
        void aReinstalledAppIsFoundAgainAfterItsOldInstallationIsGone() {
            api.listRunners(GLOBEX);
            fake.uninstall("globex"); // revokes its tokens
            fake.install("globex", 44);

            // The revoked token: 401, dropped. Then the mint for 22: gone, forgotten. Then a fresh lookup finds 44.
            assertThatThrownBy(() -> api.listRunners(GLOBEX))
                    .isInstanceOfSatisfying(
                            GitHubRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_CREDENTIALS));
            assertThatThrownBy(() -> api.listRunners(GLOBEX))
                    .isInstanceOfSatisfying(
                            GitHubRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_INSTALLED))
                    .hasMessageContaining("installation 22 no longer exists");
            assertThat(api.listRunners(GLOBEX)).isEmpty();

            assertThat(lookups("/orgs/globex")).isEqualTo(2);
            assertThat(fake.tokensMinted(44)).isEqualTo(1);
        }

        @Test
        void concurrentCallersShareOneLookupAndOneMintPerInstallation() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<List<RegisteredRunner>>> calls = new ArrayList<>();
                IntStream.range(0, 24).forEach(i -> calls.add(() -> api.listRunners(i % 2 == 0 ? ACME : GLOBEX)));
                for (Future<List<RegisteredRunner>> f : pool.invokeAll(calls)) {
                    assertThat(f.get()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(lookups("/orgs/acme")).isEqualTo(1);
            assertThat(lookups("/orgs/globex")).isEqualTo(1);
            assertThat(fake.tokensMinted(ACME_INSTALLATION)).isEqualTo(1);
            assertThat(fake.tokensMinted(GLOBEX_INSTALLATION)).isEqualTo(1);
            assertThat(fake.requests(ACME, Operation.LIST_RUNNERS)).isEqualTo(12);
        }

        @Test
        void aPinnedInstallationServesEveryScopeWithoutALookup() {
            GitHubClients pinned = GitHubClients.withAppLookingUpInstallations(
                    github.baseUrl(),
                    123,
                    KEY,
                    Map.of("runnerscale.github.installation-id", String.valueOf(ACME_INSTALLATION)),
                    clock);

            pinned.runners().listRunners(ACME);
            pinned.runners().listRunners(ACME_WEB);
            // A pin serves one account: GitHub refuses the other owner's scope, and only that scope.
            assertThatThrownBy(() -> pinned.runners().listRunners(GLOBEX))
                    .isInstanceOfSatisfying(
                            GitHubRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN));

            assertThat(github.requestCount("GET", ".*/installation")).isZero();
            assertThat(fake.tokensMinted(ACME_INSTALLATION)).isEqualTo(1);
        }
    }

    @Nested
    class WaitsAndBudgets {

        @Test
        void aRateLimitOnOneInstallationHoldsOnlyTheScopesItServes() {
            api.listRunners(ACME);
            Instant reset = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
            fake.exhaust("installation/11", reset);

            GitHubRateLimitedException limited = catchRateLimited(() -> api.createJitRunner(ACME, "acme-1", LABELS));

            assertThat(limited.credential()).contains("installation/11");
            // Taken relative to GitHub's Date header, on the fake's (our) clock.
            assertThat(limited.retryAt()).isCloseTo(reset, within(1, ChronoUnit.SECONDS));
            assertThat(api.heldUntil(ACME)).contains(limited.retryAt());
            assertThat(api.heldUntil(ACME_WEB)).contains(limited.retryAt());
            assertThat(api.heldUntil(GLOBEX)).isEmpty();
            api.createJitRunner(GLOBEX, "globex-1", LABELS);

            int sentWithAcme = fake.requestsWith("installation/11");
            catchRateLimited(() -> api.listRunners(ACME_WEB));
            catchRateLimited(() -> api.removeRunner(ACME, 5));
            assertThat(fake.requestsWith("installation/11")).isEqualTo(sentWithAcme);

            clock.set(limited.retryAt());
            assertThat(api.heldUntil(ACME)).isEmpty();
            assertThat(api.listRunners(ACME)).isEmpty();
        }

        @Test
        void budgetsAndTheGaugeFollowEachCredentialsHeadersAndAreAbsentBeforeTheFirstAnswer() {
            assertThat(api.budget(ACME)).isEmpty();
            assertThat(clients.metrics.rateLimitRemaining("acme")).isEmpty();
            fake.budget("installation/22", 15000, 12000, clock.instant().plus(Duration.ofMinutes(30)));

            api.listRunners(ACME);
            api.listRunners(ACME_WEB);
            api.listRunners(GLOBEX);

            RateBudget acme = api.budget(ACME).orElseThrow();
            assertThat(acme.credential()).isEqualTo("installation/11");
            assertThat(acme.limit()).isEqualTo(5000);
            assertThat(acme.remaining()).isEqualTo(fake.remaining("installation/11"));
            assertThat(api.budget(ACME_WEB)).contains(acme);
            RateBudget globex = api.budget(GLOBEX).orElseThrow();
            assertThat(globex)
                    .isEqualTo(new RateBudget(
                            "installation/22", 15000, 11999, clock.instant().plus(Duration.ofMinutes(30))));
            assertThat(clients.metrics.rateLimitRemaining("acme")).contains(acme.remaining());
            assertThat(clients.metrics.rateLimitRemaining("globex")).contains(11999L);
            assertThat(clients.registry
                            .get("runnerscale.github.rate.limit.remaining")
                            .tag("scope", "globex")
                            .gauge()
                            .value())
                    .isEqualTo(11999);
            assertThat(clients.metrics.rateLimitRemaining("app")).isPresent();
            assertThat(api.budget(INITECH)).isEmpty();
        }

        @Test
        void beforeAnyInstallationIsKnownOnlyTheAppsOwnWaitHoldsAScope() {
            assertThat(api.heldUntil(ACME)).isEmpty();
            fake.exhaust("app", clock.instant().plus(Duration.ofMinutes(5)));

            catchRateLimited(() -> api.listRunners(ACME));

            assertThat(api.heldUntil(ACME)).isPresent();
            assertThat(api.heldUntil(GLOBEX)).isPresent();
            assertThat(fake.requests(ACME, Operation.LIST_RUNNERS)).isZero();
        }

        @Test
        void aTokenDueForRenewalIsHeldByTheAppsOwnWait() {
            api.listRunners(ACME);
            fake.exhaust("app", clock.instant().plus(Duration.ofHours(2)));
            catchRateLimited(() -> api.listRunners(GLOBEX)); // its lookup meets the App's wait
            assertThat(api.heldUntil(ACME)).isEmpty();

            clock.advance(Duration.ofMinutes(56)); // inside the token's renewal margin
            assertThat(api.heldUntil(ACME)).isPresent();
            GitHubRateLimitedException refused = catchRateLimited(() -> api.listRunners(ACME));

            assertThat(refused.credential()).contains("app");
            assertThat(fake.requests(ACME, Operation.LIST_RUNNERS)).isEqualTo(1);
        }

        @Test
        void anOpenCircuitHoldsEveryScopeUntilItMayProbe() {
            api.listRunners(ACME);
            clients.http.circuitBreaker().transitionToOpenState();

            Instant until = clients.clock
                    .instant()
                    .plus(clients.properties.circuitBreaker().waitInOpenState());
            assertThat(api.heldUntil(ACME)).contains(until);
            assertThat(api.heldUntil(GLOBEX)).contains(until);

            clock.advance(clients.properties.circuitBreaker().waitInOpenState());
            assertThat(api.heldUntil(ACME)).isEmpty();
        }
    }

    @Nested
    class RefusalsOfOneScope {

        @Test
        void holdOnlyThatScopeAndNeverOpenTheCircuit() {
            fake.failAlways(ACME, Operation.JIT_CONFIG, Fault.UNPROCESSABLE);
            fake.failAlways(GLOBEX, Operation.JIT_CONFIG, Fault.FORBIDDEN);

            for (int i = 0; i < 12; i++) {
                int n = i;
                assertThatThrownBy(() -> api.createJitRunner(ACME, "acme-" + n, LABELS))
                        .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.UNPROCESSABLE);
                            assertThat(e.status()).isEqualTo(422);
                        });
                assertThatThrownBy(() -> api.createJitRunner(GLOBEX, "globex-" + n, LABELS))
                        .isInstanceOfSatisfying(GitHubRejectedException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN);
                            assertThat(e.gitHubMessage()).isEqualTo("Resource not accessible by integration");
                        });
            }

            assertThat(api.createJitRunner(ACME_WEB, "web-1", LABELS).name()).isEqualTo("web-1");
            assertThat(clients.http.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(api.heldUntil(ACME)).isEmpty();
            assertThat(clients.metrics.count(GitHubOperation.JIT_CONFIG, GitHubOutcome.REJECTED))
                    .isEqualTo(24);

            fake.heal(ACME);
            assertThat(api.createJitRunner(ACME, "acme-ok", LABELS).name()).isEqualTo("acme-ok");
        }

        @Test
        void aServerErrorOfOneScopeIsAnOutageNotARejection() {
            fake.failNext(GLOBEX, Operation.LIST_RUNNERS, Fault.SERVER_ERROR);

            assertThatThrownBy(() -> api.listRunners(GLOBEX))
                    .isExactlyInstanceOf(GitHubUnavailableException.class)
                    .hasMessageContaining("502");
            assertThat(api.listRunners(GLOBEX)).isEmpty();
            assertThat(fake.pendingFaults()).isZero();
        }
    }

    @Nested
    class RunnerLists {

        @Test
        void areOnePaginatedListingOfAHundredPerPage() {
            for (int i = 1; i <= 250; i++) {
                fake.register(ACME, "r-" + i, LABELS, i % 5 != 0);
            }
            fake.register(GLOBEX, "g-1", LABELS, true);

            List<RegisteredRunner> runners = api.listRunners(ACME);

            assertThat(runners).hasSize(250);
            assertThat(runners.stream().filter(r -> r.status().equals("offline")))
                    .hasSize(50);
            assertThat(fake.requests(ACME, Operation.LIST_RUNNERS)).isEqualTo(3);
            assertThat(github.requestCount("GET", "/orgs/acme/actions/runners")).isEqualTo(3);
            assertThat(github.server().getAllServeEvents().stream()
                            .filter(e -> e.getRequest().getUrl().startsWith("/orgs/acme/actions/runners"))
                            .allMatch(e -> e.getRequest()
                                    .queryParameter("per_page")
                                    .firstValue()
                                    .equals("100")))
                    .isTrue();
            assertThat(fake.requests(GLOBEX, Operation.LIST_RUNNERS)).isZero();
        }

        @Test
        void showRunnersOfflineUntilTheyConnectAndBusyOnceAssigned() {
            fake.newRunnersOnline(false);
            api.createJitRunner(ACME, "acme-1", LABELS);
            assertThat(api.listRunners(ACME)).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo("offline");
                assertThat(r.busy()).isFalse();
            });

            fake.online("acme-1");
            assertThat(api.listRunners(ACME))
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo("online"));
            fake.assign("acme-1");
            assertThat(api.listRunners(ACME))
                    .singleElement()
                    .satisfies(r -> assertThat(r.busy()).isTrue());
            fake.offline("acme-1");
            assertThat(api.listRunners(ACME))
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo("offline"));
        }
    }

    @Nested
    class WithAPersonalAccessToken {

        @Test
        void everyScopeIsServedByTheTokenWithoutALookupAndSharesItsBudget() {
            GitHubClients token = GitHubClients.withToken(github.baseUrl(), Map.of(), clock);
            GitHubRunnerApi tokenApi = token.runners();

            tokenApi.createJitRunner(ACME, "acme-1", LABELS);
            tokenApi.listRunners(GLOBEX);
            tokenApi.listRunners(ACME_WEB);

            assertThat(github.requestCount("GET", ".*/installation")).isZero();
            assertThat(fake.requestsWith("token")).isEqualTo(3);
            assertThat(tokenApi.budget(ACME).orElseThrow().credential()).isEqualTo("token");
            assertThat(tokenApi.budget(ACME)).isEqualTo(tokenApi.budget(GLOBEX));
            assertThat(token.metrics.rateLimitRemaining("token")).contains(5000L - 3);
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
