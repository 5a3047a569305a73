package dev.runnerscale.chartchecks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.chartchecks.support.Dashboards;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboards' structure: a {@code datasource} variable every query uses, unique panel ids, a unit and a
 * description on every panel. (Their queries run against a real Prometheus in {@link LiveStackTest}.)
 */
class DashboardsTest {

    @Test
    void theChartsShipTheQueueCostAndTaskApiDashboards() {
        assertThat(Dashboards.all())
                .extracting(d -> d.path("title").asString())
                .containsExactlyInAnyOrder("CI queue and runners", "CI cost", "Task API");
        assertThat(Dashboards.all()).extracting(d -> d.path("uid").asString()).doesNotHaveDuplicates();
    }

    @Test
    void everyDashboardHasADatasourceVariableThatEveryQueryUses() {
        for (JsonNode dashboard : Dashboards.all()) {
            String title = dashboard.path("title").asString();
            JsonNode variable = null;
            for (JsonNode v : dashboard.path("templating").path("list")) {
                if (v.path("name").asString().equals("datasource")) {
                    variable = v;
                }
            }
            assertThat(variable).as(title + " has a datasource variable").isNotNull();
            assertThat(variable.path("type").asString()).isEqualTo("datasource");
            assertThat(variable.path("query").asString()).isEqualTo("prometheus");
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                if (panel.path("type").asString().equals("row")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asString())
                        .as(title + " / " + panel.path("title").asString())
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets"))
                        .as(panel.path("title").asString())
                        .isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
                    assertThat(target.path("expr").asString()).isNotBlank();
                }
            }
        }
    }

    @Test
    void panelIdsAreUniqueAndEveryPanelHasAUnitAndADescription() {
        for (JsonNode dashboard : Dashboards.all()) {
            Set<Integer> ids = new HashSet<>();
            List<JsonNode> panels = Dashboards.panels(dashboard);
            for (JsonNode panel : panels) {
                String where = dashboard.path("title").asString() + " / "
                        + panel.path("title").asString();
                assertThat(ids.add(panel.path("id").asInt()))
                        .as(where + " has a unique id")
                        .isTrue();
                assertThat(panel.path("title").asString()).as(where).isNotBlank();
                if (!panel.path("type").asString().equals("row")) {
                    assertThat(panel.path("description").asString())
                            .as(where + " description")
                            .isNotBlank();
                    assertThat(panel.path("fieldConfig")
                                    .path("defaults")
                                    .path("unit")
                                    .asString())
                            .as(where + " unit")
                            .isNotBlank();
                }
            }
        }
    }

    @Test
    void theQueueDashboardShowsWhereTheWaitGoesAsStagesStackedPerPool() {
        JsonNode queue = Dashboards.all().stream()
                .filter(d -> d.path("title").asString().equals("CI queue and runners"))
                .findFirst()
                .orElseThrow();
        JsonNode panel = Dashboards.panels(queue).stream()
                .filter(p -> p.path("title").asString().equals("Where the wait goes"))
                .findFirst()
                .orElseThrow();
        assertThat(panel.path("options").path("stacking").asString()).isEqualTo("normal");
        assertThat(panel.path("targets").get(0).path("expr").asString())
                .contains("runnerscale_job_wait_stage_seconds")
                .contains("by (pool, stage)");
    }
}
