package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/** Which GitHub access the configuration yields, and that bad settings stop start-up naming the key. */
@ExtendWith(OutputCaptureExtension.class)
class GitHubConfigurationTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(GitHubConfiguration.class);

    @Nested
    class WithoutCredentials {

        @Test
        void runsADryRunThatSaysSoOnceAndHasNoJobOrDeliveryAccess(CapturedOutput output) {
            runner.run(context -> {
                assertThat(context).hasNotFailed();
                GitHubRunnerApi api = context.getBean(GitHubRunnerApi.class);
                assertThat(api.dryRun()).isTrue();
                assertThat(context).doesNotHaveBean(GitHubJobApi.class);
                assertThat(context).doesNotHaveBean(GitHubHookDeliveries.class);
                assertThat(context).doesNotHaveBean(GitHubHttp.class);
                assertThatThrownBy(() -> api.createJitRunner(GitHubScope.of("o", "", 1), "r-1", List.of("x")))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("dry run");
                assertThat(api.listRunners(GitHubScope.of("o", "", 1))).isEmpty();
                assertThat(api.heldUntil(GitHubScope.of("o", "", 1))).isEmpty();
                assertThat(api.budget(GitHubScope.of("o", "", 1))).isEmpty();
            });
            assertThat(output.getOut().split("GitHub dry run", -1)).hasSize(2);
            assertThat(github.requestCount()).isZero();
        }
    }

    @Nested
    class WithAToken {

        @Test
        void drivesRealGitHubWithoutAnyLookup() {
            github.stubRunnerPages(GitHubWireMock.org("octo-org"), List.of(List.of()));
            runner.withPropertyValues(
                            "runnerscale.github.token=ghp_abc", "runnerscale.github.api-url=" + github.baseUrl())
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        GitHubRunnerApi api = context.getBean(GitHubRunnerApi.class);
                        assertThat(api.dryRun()).isFalse();
                        assertThat(context).hasSingleBean(GitHubJobApi.class);
                        // Organisation and repository hooks are reachable with a token (redelivery in PAT mode).
                        assertThat(context).hasSingleBean(GitHubHookDeliveries.class);
                        assertThat(api.listRunners(GitHubWireMock.org("octo-org")))
                                .isEmpty();
                    });
            assertThat(github.requestCount()).isEqualTo(1);
        }
    }

    @Nested
    class WithAnApp {

        @Test
        void drivesRealGitHubIncludingDeliveriesAndNeverLogsSecrets(@TempDir Path dir, CapturedOutput output)
                throws Exception {
            var keys = GitHubClients.rsaKeyPair();
            Path keyFile = dir.resolve("app.pem");
            Files.writeString(keyFile, GitHubClients.pkcs1Pem(keys));
            github.stubInstallationToken(
                    42, "ghs_secret_installation_token", Instant.now().plus(Duration.ofHours(1)));
            github.stubJitConfig(GitHubScope.of("octo-org", "", 1), 9, "r-9", "c2VjcmV0LWppdC1jb25maWc=");
            github.stub(get(urlPathEqualTo("/orgs/octo-org/actions/runners"))
                    .willReturn(GitHubWireMock.tooManyRequests(5)));

            runner.withPropertyValues(
                            "runnerscale.github.app-id=123",
                            "runnerscale.github.installation-id=42",
                            "runnerscale.github.private-key-file=" + keyFile,
                            "runnerscale.github.api-url=" + github.baseUrl())
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context).hasSingleBean(GitHubHookDeliveries.class);
                        GitHubRunnerApi api = context.getBean(GitHubRunnerApi.class);
                        var runner = api.createJitRunner(GitHubScope.of("octo-org", "", 1), "r-9", List.of("x"));
                        LoggerFactory.getLogger(GitHubConfigurationTest.class).info("registered {}", runner);
                        assertThatThrownBy(() -> api.listRunners(GitHubScope.of("octo-org", "", 1)))
                                .isInstanceOf(GitHubRateLimitedException.class);
                        LoggerFactory.getLogger(GitHubConfigurationTest.class)
                                .info("properties {}", context.getBean(GitHubProperties.class));
                    });

            String jwt = github.server().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().startsWith("/app/installations"))
                    .findFirst()
                    .orElseThrow()
                    .getRequest()
                    .getHeader("Authorization")
                    .substring(7);
            assertThat(output.getAll())
                    .contains("registered JitRunner", "GitHub rate-limited list_runners")
                    .doesNotContain("ghs_secret_installation_token")
                    .doesNotContain("c2VjcmV0LWppdC1jb25maWc=")
                    .doesNotContain(jwt)
                    .doesNotContain("PRIVATE KEY");
        }
    }

    @Nested
    class WithAnAppAndNoInstallationId {

        @Test
        void looksTheInstallationOfEachOwnerUpAndSaysSo(CapturedOutput output) {
            var keys = GitHubClients.rsaKeyPair();
            github.stubOrgInstallation("octo-org", 7);
            github.stubInstallationToken(7, "ghs_seven", Instant.now().plus(Duration.ofHours(1)));
            github.stubRunnerPages(GitHubWireMock.org("octo-org"), List.of(List.of()));

            runner.withPropertyValues(
                            "runnerscale.github.app-id=123",
                            "runnerscale.github.private-key=" + GitHubClients.pkcs8Pem(keys),
                            "runnerscale.github.api-url=" + github.baseUrl())
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        context.getBean(GitHubRunnerApi.class).listRunners(GitHubWireMock.org("octo-org"));
                    });

            assertThat(github.requestCount("/orgs/octo-org/installation")).isEqualTo(1);
            assertThat(github.requestCount("/app/installations/7/access_tokens"))
                    .isEqualTo(1);
            assertThat(output.getOut()).contains("installation looked up per scope");
        }
    }

    @Nested
    class WithAPinnedInstallationAndSeveralOwners {

        @EnableConfigurationProperties(PoolsProperties.class)
        static class Pools {}

        @Test
        void warnsThatThePinCannotServeTheOtherOwners(CapturedOutput output) {
            runner.withUserConfiguration(Pools.class)
                    .withPropertyValues(
                            "runnerscale.github.app-id=123",
                            "runnerscale.github.installation-id=42",
                            "runnerscale.github.private-key=" + GitHubClients.pkcs8Pem(GitHubClients.rsaKeyPair()),
                            "runnerscale.github.api-url=" + github.baseUrl(),
                            "runnerscale.pools[0].name=a",
                            "runnerscale.pools[0].labels=x",
                            "runnerscale.pools[0].github.owner=acme",
                            "runnerscale.pools[1].name=b",
                            "runnerscale.pools[1].labels=x",
                            "runnerscale.pools[1].github.owner=globex")
                    .run(context -> assertThat(context).hasNotFailed());

            assertThat(output.getOut())
                    .contains("installation-id pins installation 42 for the pools of [acme, globex]");
            assertThat(github.requestCount()).isZero();
        }
    }

    @Nested
    class RefusesToStart {

        @Test
        void whenTheInstallationIdIsNotPositive() {
            runner.withPropertyValues(
                            "runnerscale.github.app-id=123",
                            "runnerscale.github.private-key=x",
                            "runnerscale.github.installation-id=0")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.installation-id"));
        }

        @Test
        void whenTheInstallationCacheKeepsNothing() {
            runner.withPropertyValues("runnerscale.github.installation-cache.ttl=0s")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.installation-cache"));
        }

        @Test
        void whenRejectedJobsWouldBeRetriedAtOnce() {
            runner.withPropertyValues("runnerscale.github.repair.rejected-retry=0s")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.repair.rejected-retry"));
        }

        @Test
        void whenARedeliveryHookHasNoOwnerOrId() {
            runner.withPropertyValues(
                            "runnerscale.github.redelivery.hooks[0].owner=",
                            "runnerscale.github.redelivery.hooks[0].id=0")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("redelivery.hooks[0].owner")
                            .hasMessageContaining("redelivery.hooks[0].id"));
        }

        @Test
        void whenARedeliveryHookNamesNoRealRepository() {
            runner.withPropertyValues(
                            "runnerscale.github.redelivery.hooks[0].owner=acme",
                            "runnerscale.github.redelivery.hooks[0].repository=../etc",
                            "runnerscale.github.redelivery.hooks[0].id=7")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("redelivery.hooks[0].repository"));
        }

        @Test
        void whenARedeliveryHookIsNamedTwice() {
            runner.withPropertyValues(
                            "runnerscale.github.redelivery.hooks[0].owner=acme",
                            "runnerscale.github.redelivery.hooks[0].id=7",
                            "runnerscale.github.redelivery.hooks[1].owner=ACME",
                            "runnerscale.github.redelivery.hooks[1].id=7")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.redelivery.hooks must not name the same hook"));
        }

        @Test
        void whenAnAppLacksItsPrivateKey() {
            runner.withPropertyValues("runnerscale.github.app-id=123", "runnerscale.github.installation-id=42")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.private-key"));
        }

        @Test
        void whenAppSettingsComeWithoutTheAppId() {
            runner.withPropertyValues("runnerscale.github.installation-id=42")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.app-id"));
        }

        @Test
        void whenTheRedeliveryLookBackExceedsGitHubsThreeDays() {
            runner.withPropertyValues("runnerscale.github.redelivery.look-back=4d")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.redelivery.look-back"));
        }

        @Test
        void whenThePrivateKeyIsNotAKey() {
            runner.withPropertyValues(
                            "runnerscale.github.app-id=123",
                            "runnerscale.github.installation-id=42",
                            "runnerscale.github.private-key=-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github private key"));
        }
    }
}
