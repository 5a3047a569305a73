package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.github.GitHubProperties;
import dev.runnerscale.autoscaler.jobs.LedgerProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.runners.RunnersProperties;
import dev.runnerscale.autoscaler.webhook.WebhookProperties;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.taskapi.config.TaskApiProperties;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every setting of the configuration records has its key in the chart's values.schema.json, and every key the schema
 * allows is a setting of the records: a setting added to the code without the chart (or the other way round) fails
 * the build.
 */
class PoolSchemaContractTest {

    /**
     * Pool keys of contracts.md ("Pool configuration", marked NEW) that the chart already takes and passes through
     * while the fleet and cost streams add them to {@code PoolsProperties}. Remove an entry once the code has it:
     * this test fails for an entry the code has.
     */
    static final Set<String> NOT_YET_IN_THE_CODE = Set.of();

    /** Set by the chart's own keys (secrets by reference, the App's key file), not under config.*. */
    static final Set<String> GITHUB_SET_BY_THE_CHART =
            Set.of("app-id", "installation-id", "private-key", "private-key-file", "token");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyPoolSettingOfTheCodeIsInTheSchemaAndEverySchemaKeyInTheCode() {
        JsonNode pool = schema("autoscaler").path("properties").path("pools").path("items");
        Set<String> code = settings(PoolsProperties.Pool.class, "");
        Set<String> chart = keys(pool, "");

        assertThat(difference(code, chart))
                .as("pool settings of the code missing from values.schema.json")
                .isEmpty();
        Set<String> ahead = difference(chart, code).stream()
                .filter(key -> NOT_YET_IN_THE_CODE.stream().noneMatch(p -> key.equals(p) || key.startsWith(p + ".")))
                .collect(Collectors.toSet());
        assertThat(ahead).as("schema keys no pool setting of the code reads").isEmpty();
        for (String pending : NOT_YET_IN_THE_CODE) {
            assertThat(code)
                    .as("%s is in PoolsProperties now: remove it from NOT_YET_IN_THE_CODE", pending)
                    .noneMatch(key -> key.equals(pending) || key.startsWith(pending + "."));
            assertThat(chart).as("the chart passes %s through", pending).anyMatch(key -> key.startsWith(pending));
        }
    }

    @Test
    void everyOtherAutoscalerSettingIsInTheSchemaUnderConfigAndTheOtherWayRound() {
        JsonNode config = schema("autoscaler").path("properties").path("config").path("properties");
        assertSame(settings(LedgerProperties.class, ""), keys(config.path("ledger"), ""), "ledger");
        assertSame(settings(RunnersProperties.class, ""), keys(config.path("runners"), ""), "runners");
        assertSame(
                difference(settings(WebhookProperties.class, ""), Set.of("secrets")),
                keys(config.path("webhook"), ""),
                "webhook");
        Set<String> github = settings(GitHubProperties.class, "").stream()
                .filter(key -> !GITHUB_SET_BY_THE_CHART.contains(key))
                .collect(Collectors.toSet());
        assertSame(github, keys(config.path("github"), ""), "github");
    }

    @Test
    void everyTaskApiSettingIsInTheSchemaAndTheOtherWayRound() {
        JsonNode config = schema("task-api").path("properties").path("config");
        // the bootstrap token is a secret: it comes from a Secret (bootstrapToken.*), never from config
        assertSame(
                difference(settings(TaskApiProperties.class, ""), Set.of("bootstrap-token")),
                keys(config, ""),
                "taskapi");
    }

    private static void assertSame(Set<String> code, Set<String> chart, String section) {
        assertThat(chart)
                .as("values.schema.json config.%s against the code", section)
                .isEqualTo(code);
    }

    /** The kebab-case keys of a configuration record, nested records and lists of records spelled out. */
    static Set<String> settings(Class<?> record, String prefix) {
        Set<String> keys = new TreeSet<>();
        for (RecordComponent component : record.getRecordComponents()) {
            String key = prefix + kebab(component.getName());
            Class<?> type = component.getType();
            Type generic = component.getGenericType();
            if (type.isRecord()) {
                keys.addAll(settings(type, key + "."));
            } else if (Collection.class.isAssignableFrom(type)
                    && generic instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> element
                    && element.isRecord()) {
                keys.addAll(settings(element, key + "."));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The keys a JSON schema object allows, nested objects and arrays of objects spelled out; maps are leaves. */
    static Set<String> keys(JsonNode schema, String prefix) {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            String key = prefix + property.getKey();
            JsonNode node = property.getValue();
            JsonNode nested = node.has("properties") ? node : node.path("items");
            if (nested.has("properties")) {
                keys.addAll(keys(nested, key + "."));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    static JsonNode schema(String chart) {
        return JSON.readTree(Charts.chart(chart).resolve("values.schema.json").toFile());
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    static Set<String> difference(Set<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toCollection(TreeSet::new));
    }
}
