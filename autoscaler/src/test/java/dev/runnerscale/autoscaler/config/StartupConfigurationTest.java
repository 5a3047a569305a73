package dev.runnerscale.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.jobs.LedgerProperties;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/** A bad or missing configuration fails start-up with a message naming the key. */
class StartupConfigurationTest {

    @EnableConfigurationProperties({WebhookProperties.class, LedgerProperties.class})
    static class Properties {}

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(Properties.class);

    private static String failureMessages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Nested
    class WebhookSecrets {

        @Test
        void noSecretRefusesToStartNamingTheKey() {
            runner.run(context -> assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .extracting(StartupConfigurationTest::failureMessages, InstanceOfAssertFactories.STRING)
                    .contains("runnerscale.webhook.secrets"));
        }

        @Test
        void blankSecretsCountAsNone() {
            runner.withPropertyValues("runnerscale.webhook.secrets= , ")
                    .run(context -> assertThat(context).hasFailed());
        }

        @Test
        void aCommaSeparatedEnvironmentVariableGivesSeveralSecrets() {
            runner.withInitializer(context -> context.getEnvironment()
                            .getPropertySources()
                            .addFirst(new SystemEnvironmentPropertySource(
                                    "systemEnvironment",
                                    Map.of("RUNNERSCALE_WEBHOOK_SECRETS", "new-secret,old-secret"))))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        WebhookProperties webhook = context.getBean(WebhookProperties.class);
                        assertThat(webhook.secrets()).containsExactly("new-secret", "old-secret");
                        assertThat(webhook.toString()).doesNotContain("new-secret", "old-secret");
                    });
        }

        @Test
        void defaultsAreSafe() {
            runner.withPropertyValues("runnerscale.webhook.secrets=s").run(context -> {
                WebhookProperties webhook = context.getBean(WebhookProperties.class);
                assertThat(webhook.maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
                assertThat(webhook.allowPublicRepositories()).isFalse();
                assertThat(webhook.allowedOwners()).isEmpty();
                LedgerProperties ledger = context.getBean(LedgerProperties.class);
                assertThat(ledger.matchedRetention()).isEqualTo(Duration.ofDays(400));
                assertThat(ledger.unmatchedRetention()).isEqualTo(Duration.ofDays(7));
            });
        }
    }

    @Nested
    class Ledger {

        @Test
        void anInvalidPurgeScheduleRefusesToStartNamingTheKey() {
            refusesToStartNaming("runnerscale.ledger.purge-cron", "every night");
        }

        @Test
        void aNonDurationRetentionRefusesToStartNamingTheKey() {
            refusesToStartNaming("runnerscale.ledger.matched-retention", "a year");
        }

        @Test
        void aCommitDelayAbove50msRefusesToStartNamingTheKey() {
            // a delay that long would hold every acknowledgement of a busy stream past a useful latency
            refusesToStartNaming("runnerscale.ledger.commit-delay", "1s");
        }

        private void refusesToStartNaming(String key, String value) {
            runner.withPropertyValues("runnerscale.webhook.secrets=s", key + "=" + value)
                    .run(context -> assertThat(context)
                            .hasFailed()
                            .getFailure()
                            .extracting(StartupConfigurationTest::failureMessages, InstanceOfAssertFactories.STRING)
                            .contains(key));
        }
    }

    @Test
    void theProductionApplicationWithoutADatabaseRefusesToStartNamingTheKey() {
        SpringApplication application = new SpringApplication(AutoscalerApplication.class);
        application.setDefaultProperties(Map.of("spring.datasource.url", ""));
        assertThatThrownBy(() -> application.run(
                        "--server.port=0", "--runnerscale.webhook.secrets=s", "--spring.main.banner-mode=off"))
                .satisfies(
                        failure -> assertThat(failureMessages(failure)).contains("spring.datasource.url is not set"));
    }
}
