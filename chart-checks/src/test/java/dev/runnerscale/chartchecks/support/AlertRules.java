package dev.runnerscale.chartchecks.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The alert rules of a chart's PrometheusRule, rendered with the chart's defaults and the rule switched on. */
public final class AlertRules {

    private AlertRules() {}

    public record Rule(
            String group, String alert, String expr, Map<String, String> labels, Map<String, String> annotations) {}

    /** The PrometheusRule's {@code spec.groups}, as a Prometheus rule file holds them. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> groups(String chart) {
        GenericKubernetesResource rule = (GenericKubernetesResource)
                Charts.render(chart, Charts.Values.DEFAULT, Map.of("metrics.prometheusRule.enabled", true))
                        .ofKind("PrometheusRule")
                        .get(0);
        Map<String, Object> spec =
                (Map<String, Object>) rule.getAdditionalProperties().get("spec");
        return (List<Map<String, Object>>) spec.get("groups");
    }

    @SuppressWarnings("unchecked")
    public static List<Rule> rules(String chart) {
        List<Rule> rules = new ArrayList<>();
        for (Map<String, Object> group : groups(chart)) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rules.add(new Rule(
                        (String) group.get("name"),
                        (String) rule.get("alert"),
                        ((String) rule.get("expr")).trim(),
                        (Map<String, String>) rule.getOrDefault("labels", Map.of()),
                        (Map<String, String>) rule.getOrDefault("annotations", Map.of())));
            }
        }
        return rules;
    }
}
