package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.api.ApiProperties;
import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.jobs.LedgerProperties;
import dev.runnerscale.autoscaler.leader.LeaderElectionProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.KubernetesProperties;
import dev.runnerscale.autoscaler.runners.RunnersProperties;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import dev.runnerscale.chartchecks.support.BoundConfiguration;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Charts.Values;
import dev.runnerscale.chartchecks.support.Rendered;
import dev.runnerscale.taskapi.config.TaskApiProperties;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The application.yaml the charts render is bound by Spring Boot's Binder into the applications' own configuration
 * records and validated as at start-up, and every key the chart writes is one the application reads: a chart cannot
 * carry a setting the code does not know (a typo, a renamed key) without this failing.
 */
class ApplicationConfigurationTest {

    /**
     * Pool settings the chart passes through ahead of the code: the fleet and cost streams are adding them to
     * {@code PoolsProperties} (contracts.md, "Pool configuration", NEW). Until then Spring ignores them. Remove an
     * entry when its record component lands ({@link PoolSchemaContractTest} fails until you do).
     */
    static final Set<String> POOL_KEYS_NOT_YET_IN_THE_CODE = PoolSchemaContractTest.NOT_YET_IN_THE_CODE.stream()
            .map(key -> "runnerscale.pools." + key)
            .collect(java.util.stream.Collectors.toSet());

    @ParameterizedTest
    @EnumSource(Values.class)
    void theAutoscalersConfigurationBindsIntoItsRecordsAndEveryKeyIsRead(Values values) {
        Rendered rendered = Charts.render("autoscaler", values, appAndApiToken());
        Map<String, Object> environment = secretEnvironment(rendered);
        BoundConfiguration config = new BoundConfiguration(rendered.applicationYaml(), environment);

        PoolsProperties pools = config.bind("runnerscale", PoolsProperties.class);
        config.bind("runnerscale.webhook", WebhookProperties.class);
        config.bind("runnerscale.ledger", LedgerProperties.class);
        config.bind("runnerscale.runners", RunnersProperties.class);
        config.bind("runnerscale.kubernetes", KubernetesProperties.class);
        LeaderElectionProperties lease =
                config.bind("runnerscale.kubernetes.leader-election", LeaderElectionProperties.class);
        GitHubProperties github = config.bind("runnerscale.github", GitHubProperties.class);
        ApiProperties api = config.bind("runnerscale.api", ApiProperties.class);

        assertThat(pools.pools()).extracting(Pool::name).containsExactly("linux-x64-spot", "linux-x64-large");
        Pool spot = pools.pools().get(0);
        assertThat(spot.labels()).containsExactly("self-hosted", "linux", "x64", "spot");
        assertThat(spot.max()).isEqualTo(values == Values.DEV ? 3 : 10);
        assertThat(spot.minIdle()).isEqualTo(values == Values.PROD ? 1 : 0);
        assertThat(lease.namespace()).isEqualTo(Charts.NAMESPACE);
        assertThat(github.mode()).isEqualTo(GitHubProperties.Mode.APP);
        assertThat(github.privateKeyFile()).hasToString("/var/run/secrets/runnerscale/github/private-key.pem");
        assertThat(api.tokens())
                .as("operator tokens from RUNNERSCALE_API_TOKENS")
                .isNotEmpty();
        assertThat(api.open()).isFalse();

        // every pool setting is rendered and read, the capacity provider included
        assertThat(config.names("runnerscale")).contains("runnerscale.pools[0].capacity.provider");
        assertThat(config.read("runnerscale.pools[0].capacity.provider")).isTrue();
        assertThat(config.read("runnerscale.pools[0].pod.tolerations[0].key")).isTrue();
        // a label key with a '/' reaches the pod whole: the chart writes it in brackets for Spring's binder
        if (values == Values.DEV) {
            assertThat(spot.pod().nodeSelector()).containsEntry("karpenter.sh/capacity-type", "spot");
        }
        List<String> unread = config.names("runnerscale").stream()
                .filter(name -> !config.read(name))
                .filter(name -> POOL_KEYS_NOT_YET_IN_THE_CODE.stream().noneMatch(pending -> isUnder(name, pending)))
                .toList();
        assertThat(unread)
                .as("keys the chart renders that no configuration record reads")
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyRunnerscaleEnvironmentVariableOfThePodNamesARealSetting(Values values) {
        Rendered rendered = Charts.render("autoscaler", values, appAndApiToken());
        Map<String, Object> environment = secretEnvironment(rendered);
        assertThat(environment).containsKeys("RUNNERSCALE_WEBHOOK_SECRETS", "RUNNERSCALE_API_TOKENS");
        BoundConfiguration config = new BoundConfiguration(rendered.applicationYaml(), environment);
        config.bind("runnerscale.webhook", WebhookProperties.class);
        config.bind("runnerscale.api", ApiProperties.class);
        config.bind("runnerscale.github", GitHubProperties.class);
        for (String variable : environment.keySet()) {
            String property = variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
            assertThat(config.read(property))
                    .as(variable + " is read as " + property)
                    .isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void anExplicitlyOpenOperatorApiBindsAsOpenWithoutTokens() {
        Rendered rendered =
                Charts.render("autoscaler", Values.DEFAULT, Map.of("api.existingSecret", "", "api.open", "true"));
        Map<String, Object> environment = secretEnvironment(rendered);
        assertThat(environment).doesNotContainKeys("RUNNERSCALE_API_TOKENS", "RUNNERSCALE_API_TOKEN");
        ApiProperties api = new BoundConfiguration(rendered.applicationYaml(), environment)
                .bind("runnerscale.api", ApiProperties.class);
        assertThat(api.tokens()).isEmpty();
        assertThat(api.open()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void theTaskApisConfigurationBindsIntoItsRecord(Values values) {
        Rendered rendered = Charts.render("task-api", values);
        BoundConfiguration config = new BoundConfiguration(rendered.applicationYaml(), Map.of());
        TaskApiProperties properties = config.bind("taskapi", TaskApiProperties.class);
        assertThat(properties.maxBodySize().toKilobytes()).isEqualTo(64);
        List<String> unread = config.names("taskapi").stream()
                .filter(name -> !config.read(name))
                .toList();
        assertThat(unread).isEmpty();
    }

    /** An App with an installation and an API token, so the GitHub and API settings are rendered too. */
    static Map<String, Object> appAndApiToken() {
        return Map.of("github.appId", "123456", "github.installationId", "42");
    }

    /** The pod's RUNNERSCALE_* variables, with stand-in values for what the Secrets hold. */
    static Map<String, Object> secretEnvironment(Rendered rendered) {
        Map<String, Object> environment = new LinkedHashMap<>();
        for (EnvVar env : rendered.one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()) {
            if (env.getName().startsWith("RUNNERSCALE_")) {
                environment.put(env.getName(), env.getValue() != null ? env.getValue() : "from-a-secret");
            }
        }
        return environment;
    }

    static boolean isUnder(String name, String prefix) {
        String plain = Pattern.compile("\\[\\d+]").matcher(name).replaceAll("");
        return plain.equals(prefix) || plain.startsWith(prefix + ".") || plain.startsWith(prefix + "[");
    }
}
