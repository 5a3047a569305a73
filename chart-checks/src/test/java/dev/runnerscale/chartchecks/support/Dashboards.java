package dev.runnerscale.chartchecks.support;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboards as the charts ship them: the JSON inside the rendered ConfigMaps. */
public final class Dashboards {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Dashboards() {}

    public record Query(String dashboard, String panel, String refId, String expr) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " [" + refId + "]";
        }
    }

    public static List<JsonNode> all() {
        List<JsonNode> dashboards = new ArrayList<>();
        for (String chart : List.of("autoscaler", "task-api")) {
            for (ConfigMap map : Charts.render(chart, Charts.Values.DEFAULT).all(ConfigMap.class)) {
                for (Map.Entry<String, String> entry : map.getData().entrySet()) {
                    if (entry.getKey().endsWith(".json")) {
                        dashboards.add(JSON.readTree(entry.getValue()));
                    }
                }
            }
        }
        return dashboards;
    }

    /** Every panel, those inside collapsed rows included. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    public static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode dashboard : all()) {
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(
                            dashboard.path("title").asString(),
                            panel.path("title").asString(),
                            target.path("refId").asString(),
                            target.path("expr").asString()));
                }
            }
        }
        return queries;
    }
}
