package dev.runnerscale.autoscaler.github;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
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
        log.warn("GitHub dry run: no credentials configured (set runnerscale.github.app-id and private-key, or"
                + " runnerscale.github.token). Nothing is sent to GitHub: runner registration"
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
        GitHubCredentials gitHubCredentials(
                GitHubProperties properties,
                GitHubHttp http,
                ObjectProvider<Clock> clock,
                ObjectProvider<PoolsProperties> pools) {
            GitHubCredentials credentials =
                    GitHubCredentials.from(properties, http, clock.getIfAvailable(Clock::systemUTC));
            log.info(
                    "GitHub access to {} as {}",
                    properties.apiUrl(),
                    switch (properties.mode()) {
                        case TOKEN -> "a personal access token";
                        case APP ->
                            properties.installationId() == null
                                    ? "GitHub App " + properties.appId() + ", installation looked up per scope"
                                    : "GitHub App " + properties.appId() + ", installation "
                                            + properties.installationId() + " for every scope";
                        case DRY_RUN -> "dry run";
                    });
            warnWhenAPinServesSeveralOwners(properties, pools.getIfAvailable());
            return credentials;
        }

        private static void warnWhenAPinServesSeveralOwners(GitHubProperties properties, PoolsProperties pools) {
            if (properties.installationId() == null || pools == null) {
                return;
            }
            Set<String> owners = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            pools.pools().forEach(p -> owners.add(p.github().owner()));
            if (owners.size() > 1) {
                log.warn(
                        "runnerscale.github.installation-id pins installation {} for the pools of {}: an App"
                                + " installation serves one account, so GitHub will refuse the others. Leave"
                                + " installation-id unset to look each owner's installation up.",
                        properties.installationId(),
                        owners);
            }
        }

        @Bean
        GitHubRateLimitProbe gitHubRateLimitProbe(
                GitHubProperties properties,
                GitHubHttp http,
                GitHubCredentials credentials,
                ObjectProvider<JsonMapper> json) {
            return new GitHubRateLimitProbe(
                    properties, http, credentials.withoutLookup(), json.getIfAvailable(JsonMapper::new));
        }

        @Bean
        GitHubRunnerApi gitHubRunnerApi(GitHubHttp http, GitHubCredentials credentials) {
            return new RestGitHubRunnerApi(http, credentials);
        }

        @Bean
        GitHubJobApi gitHubJobApi(GitHubHttp http, GitHubCredentials credentials, ObjectProvider<Clock> clock) {
            return new RestGitHubJobApi(http, credentials, clock.getIfAvailable(Clock::systemUTC));
        }

        @Bean
        GitHubHookDeliveries gitHubHookDeliveries(GitHubHttp http, GitHubCredentials credentials) {
            return new RestGitHubHookDeliveries(http, credentials);
        }
    }
}
