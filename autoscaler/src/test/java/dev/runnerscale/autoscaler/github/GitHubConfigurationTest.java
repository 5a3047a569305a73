package dev.runnerscale.autoscaler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            });
            assertThat(output.getOut().split("GitHub dry run", -1)).hasSize(2);
            assertThat(github.requestCount()).isZero();
        }
    }

    @Nested
    class WithAToken {

        @Test
        void drivesRealGitHubWithoutDeliveryAccess() {
            runner.withPropertyValues(
                            "runnerscale.github.token=ghp_abc", "runnerscale.github.api-url=" + github.baseUrl())
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(GitHubRunnerApi.class).dryRun())
                                .isFalse();
                        assertThat(context).hasSingleBean(GitHubJobApi.class);
                        assertThat(context).doesNotHaveBean(GitHubHookDeliveries.class);
                    });
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
    class RefusesToStart {

        @Test
        void whenAnAppLacksItsInstallation() {
            runner.withPropertyValues("runnerscale.github.app-id=123", "runnerscale.github.private-key=x")
                    .run(context -> assertThat(context)
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining("runnerscale.github.installation-id"));
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
