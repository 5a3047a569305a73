package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.chartchecks.support.AlertRules;
import dev.runnerscale.chartchecks.support.AlertRules.Rule;
import dev.runnerscale.chartchecks.support.Charts;
import dev.runnerscale.chartchecks.support.Command;
import dev.runnerscale.chartchecks.support.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The charts' alert rules through Prometheus's own promtool: {@code check rules} on the rendered PrometheusRule's groups
 * and {@code test rules} with the unit tests in {@code src/test/resources/promtool} (every alert firing and quiet).
 */
class AlertRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"autoscaler", "task-api"})
    void promtoolAcceptsTheRenderedRules(String chart, @TempDir Path dir) throws IOException {
        Path promtool = Tools.require("promtool");
        Files.writeString(dir.resolve("rules.yaml"), new Yaml().dump(Map.of("groups", AlertRules.groups(chart))));
        Command check = Command.run(dir, List.of(promtool.toString(), "check", "rules", "rules.yaml"));
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"autoscaler", "task-api"})
    void promtoolUnitTestsOfEveryAlertPass(String chart, @TempDir Path dir) throws IOException {
        Path promtool = Tools.require("promtool");
        Files.writeString(dir.resolve("rules.yaml"), new Yaml().dump(Map.of("groups", AlertRules.groups(chart))));
        String tests = chart + "-rules.test.yaml";
        try (InputStream in = getClass().getResourceAsStream("/promtool/" + tests)) {
            Files.copy(in, dir.resolve(tests));
        }
        Command test = Command.run(dir, List.of(promtool.toString(), "test", "rules", tests));
        assertThat(test.exitCode()).as(test.output()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"autoscaler", "task-api"})
    @SuppressWarnings("unchecked")
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItStaysQuiet(String chart) throws IOException {
        Map<String, Object> file;
        try (InputStream in = getClass().getResourceAsStream("/promtool/" + chart + "-rules.test.yaml")) {
            file = new Yaml().load(in);
        }
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                boolean expected = !((List<?>) check.get("exp_alerts")).isEmpty();
                (expected ? fires : quiet).add((String) check.get("alertname"));
            }
        }
        Set<String> alerts = AlertRules.rules(chart).stream().map(Rule::alert).collect(Collectors.toSet());
        assertThat(fires).as("alerts with a firing test").containsAll(alerts);
        assertThat(quiet).as("alerts with a quiet test").containsAll(alerts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"autoscaler", "task-api"})
    void everyAlertLinksItsRunbookParagraphAndHasASeverity(String chart) throws IOException {
        Set<String> anchors = Files.readAllLines(Charts.projectDir().resolve("docs/alerts.md")).stream()
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "")
                        .trim()
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
        for (Rule rule : AlertRules.rules(chart)) {
            String url = rule.annotations().get("runbook_url");
            assertThat(url).as(rule.alert()).contains("docs/alerts.md#");
            assertThat(anchors).as(rule.alert() + " runbook paragraph").contains(url.substring(url.indexOf('#') + 1));
            assertThat(rule.labels().get("severity")).as(rule.alert()).isIn("info", "warning", "critical");
            assertThat(rule.annotations()).as(rule.alert()).containsKeys("summary", "description");
        }
    }
}
