package dev.runnerscale.autoscaler.github;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.kohsuke.github.authorization.ImmutableAuthorizationProvider;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub access from {@code runnerscale.github.*}: a GitHub App or a personal access token drives real GitHub;
 * without credentials the runner API is a logged dry run and no job, delivery or repair bean exists.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GitHubProperties.class)
public class GitHubConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GitHubConfiguration.class);

    @Bean
    GitHubMetrics gitHubMetrics(MeterRegistry registry) {
        return new GitHubMetrics(registry);
    }

    @Bean
    @Conditional(GitHubCredentialsCondition.Absent.class)
    GitHubRunnerApi dryRunGitHubRunnerApi() {
        log.warn("GitHub dry run: no credentials configured (set runnerscale.github.app-id, private-key and"
                + " installation-id, or runnerscale.github.token). Nothing is sent to GitHub: runner registration"
                + " is skipped, missed-event repair and webhook redelivery are off.");
        return new DryRunGitHubRunnerApi();
    }

    /** Beans that talk to real GitHub. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(GitHubCredentialsCondition.Present.class)
    static class Live {

        @Bean
        GitHubGate gitHubGate(ObjectProvider<Clock> clock) {
            return new GitHubGate(clock.getIfAvailable(Clock::systemUTC));
        }

        @Bean
        GitHubHttp gitHubHttp(
                GitHubProperties properties,
                ObjectProvider<JsonMapper> json,
                GitHubGate gate,
                GitHubMetrics metrics,
                ObjectProvider<Clock> clock,
                MeterRegistry registry) {
            GitHubHttp http = new GitHubHttp(
                    properties,
                    json.getIfAvailable(JsonMapper::new),
                    gate,
                    metrics,
                    clock.getIfAvailable(Clock::systemUTC));
            http.bindMetrics(registry);
            return http;
        }

        @Bean
        GitHubCredentials gitHubCredentials(GitHubProperties properties, GitHubHttp http, ObjectProvider<Clock> clock) {
            GitHubCredentials credentials =
                    GitHubCredentials.from(properties, http, clock.getIfAvailable(Clock::systemUTC));
            log.info(
                    "GitHub access to {} as {}",
                    properties.apiUrl(),
                    properties.mode().name().toLowerCase(java.util.Locale.ROOT));
            return credentials;
        }

        @Bean
        GitHubRateLimitProbe gitHubRateLimitProbe(
                GitHubProperties properties,
                GitHubHttp http,
                GitHubCredentials credentials,
                ObjectProvider<JsonMapper> json) {
            return new GitHubRateLimitProbe(
                    properties, http, credentials.installation(), json.getIfAvailable(JsonMapper::new));
        }

        @Bean
        GitHubRunnerApi gitHubRunnerApi(GitHubHttp http, GitHubCredentials credentials) {
            return new RestGitHubRunnerApi(http, credentials.installation());
        }

        @Bean
        GitHubJobApi gitHubJobApi(GitHubHttp http, GitHubCredentials credentials, ObjectProvider<Clock> clock) {
            return new RestGitHubJobApi(http, credentials.installation(), clock.getIfAvailable(Clock::systemUTC));
        }

        @Bean
        @Conditional(GitHubCredentialsCondition.App.class)
        GitHubHookDeliveries gitHubHookDeliveries(GitHubHttp http, GitHubCredentials credentials) {
            return new RestGitHubHookDeliveries(http, credentials.app().orElseThrow());
        }
    }

    /**
     * The authorisations in use: {@code installation} for repository and organisation endpoints (installation
     * token or PAT), {@code app} (the App JWT) for the App's own endpoints, absent with a PAT.
     */
    public record GitHubCredentials(AuthorizationProvider installation, Optional<AuthorizationProvider> app) {

        static GitHubCredentials from(GitHubProperties properties, GitHubHttp http, Clock clock) {
            if (properties.mode() == GitHubProperties.Mode.TOKEN) {
                return new GitHubCredentials(
                        ImmutableAuthorizationProvider.fromOauthToken(properties.token()), Optional.empty());
            }
            JWTTokenProvider jwt = new JWTTokenProvider(
                    String.valueOf(properties.appId()), PrivateKeys.parse(privateKeyPem(properties)));
            InstallationTokenProvider installation = new InstallationTokenProvider(
                    http, jwt, properties.installationId(), clock, properties.tokenRefreshMargin());
            return new GitHubCredentials(installation, Optional.of(jwt));
        }

        private static String privateKeyPem(GitHubProperties properties) {
            if (properties.privateKeyFile() == null) {
                return properties.privateKey();
            }
            try {
                return Files.readString(properties.privateKeyFile());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "runnerscale.github.private-key-file cannot be read: " + properties.privateKeyFile(), e);
            }
        }

        @Override
        public String toString() {
            return "GitHubCredentials[<redacted>]";
        }
    }
}
