package dev.runnerscale.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The local profile, started as the local default starts it (its {@code application-local.yml} with the public
 * development secret and public repositories allowed), refuses to meet real GitHub credentials or a real cluster
 * with those defaults, and starts when the user chose the values.
 */
class LocalDefaultGuardTest {

    /** The local profile on the JVM's embedded PostgreSQL; no webhook settings but application-local.yml's. */
    private static Map<String, String> local() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.profiles.active", "local");
        p.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "postgres");
        p.put("server.port", "0");
        p.put("management.server.port", "0");
        p.put("spring.main.banner-mode", "off");
        // a cluster: the JVM's mock API server, given as a URL as a user would give theirs
        p.put("runnerscale.kubernetes.master-url", KubernetesTestServer.shared().url());
        p.put("runnerscale.kubernetes.leader-election.enabled", "false");
        // the guard is under test, not the runners: no pods in the shared mock API server
        p.put("runnerscale.runners.enabled", "false");
        p.put("logging.level.io.fabric8.mockwebserver", "WARN");
        return p;
    }

    private static ConfigurableApplicationContext start(Map<String, String> properties) {
        return start(properties, Map.of());
    }

    /** @param environment variables, as the operating system would give them */
    private static ConfigurableApplicationContext start(
            Map<String, String> properties, Map<String, Object> environment) {
        SpringApplication application = new SpringApplication(AutoscalerApplication.class);
        if (!environment.isEmpty()) {
            application.addInitializers(context -> context.getEnvironment()
                    .getPropertySources()
                    .addAfter("systemProperties", new SystemEnvironmentPropertySource("testEnvironment", environment)));
        }
        return application.run(TestProperties.asArguments(properties));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Nested
    class Refused {

        @Test
        void gitHubCredentialsWithTheDevelopmentSecretAndPublicRepositories() {
            Map<String, String> p = local();
            p.put("runnerscale.local.in-process-kubernetes", "true"); // the launcher's own API server: no cluster
            p.put("runnerscale.github.token", "ghp_0123456789abcdef0123456789abcdef0123");
            assertThatThrownBy(() -> start(p).close())
                    .satisfies(failure -> assertThat(messages(failure))
                            .contains("GitHub credentials")
                            .doesNotContain("a Kubernetes cluster")
                            .contains("runnerscale.webhook.secrets is the public development secret 'dev-secret'")
                            .contains("set RUNNERSCALE_WEBHOOK_SECRETS")
                            .contains("runnerscale.webhook.allow-public-repositories is true")
                            .contains("RUNNERSCALE_WEBHOOK_ALLOW_PUBLIC_REPOSITORIES=false")
                            .doesNotContain("ghp_0123456789abcdef"));
        }

        @Test
        void aClusterWithTheDevelopmentSecret() {
            assertThatThrownBy(() -> start(local()).close())
                    .satisfies(failure -> assertThat(messages(failure))
                            .contains("a Kubernetes cluster")
                            .contains("runnerscale.webhook.secrets is the public development secret"));
        }

        @Test
        void publicRepositoriesLeftAtTheLocalDefaultEvenWithASecretOfTheUsersOwn() {
            Map<String, String> p = local();
            p.put("runnerscale.webhook.secrets", "my-own-webhook-secret");
            assertThatThrownBy(() -> start(p).close())
                    .satisfies(failure -> assertThat(messages(failure))
                            .contains("runnerscale.webhook.allow-public-repositories is true")
                            .doesNotContain("runnerscale.webhook.secrets is the public development secret")
                            .doesNotContain("my-own-webhook-secret"));
        }
    }

    @Nested
    class Accepted {

        /** The values come from the user (environment, command line): theirs to choose, even public repositories. */
        @Test
        void aClusterWithValuesTheUserSet() {
            Map<String, String> p = local();
            p.put("runnerscale.webhook.allow-public-repositories", "true");
            try (ConfigurableApplicationContext context =
                    start(p, Map.of("RUNNERSCALE_WEBHOOK_SECRETS", "my-own-webhook-secret"))) {
                WebhookProperties webhook = context.getBean(WebhookProperties.class);
                assertThat(webhook.secrets()).containsExactly("my-own-webhook-secret");
                assertThat(webhook.allowPublicRepositories()).isTrue();
            }
        }

        @Test
        void theLocalDefaultOnItsOwnApiServerWithoutCredentials() {
            Map<String, String> p = local();
            p.put("runnerscale.local.in-process-kubernetes", "true");
            try (ConfigurableApplicationContext context = start(p)) {
                assertThat(context.getBean(WebhookProperties.class).secrets()).containsExactly("dev-secret");
            }
        }
    }
}
