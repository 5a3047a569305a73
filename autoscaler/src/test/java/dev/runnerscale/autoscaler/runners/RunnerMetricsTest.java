package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARC's runner gauges as its dashboards query them, reported by the leader alone. */
class RunnerMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PoolStatusBoard board = new PoolStatusBoard();

    RunnerMetricsTest() {
        new RunnerMetrics(
                registry,
                List.of(
                        TestPools.standard("linux-x64", "runners-a", 0, 10),
                        TestPools.standard("linux-x64-large", "runners-b", 1, 5)),
                board);
    }

    private static PoolStatus status(String pool, int desired, long idle, long busy, int min, int max) {
        return new PoolStatus(pool, desired, 0, idle, busy, 0, 0, 0, busy, min, max, null, null);
    }

    @Test
    void aFollowerReportsNoRunnerGaugesAtAllSoASumOverReplicasIsTheLeaders() {
        assertThat(registry.scrape()).doesNotContain("gha_desired_runners{").doesNotContain("NaN");
    }

    @Test
    void theLeaderReportsEachPoolWithArcsNameAndNamespaceLabels() {
        board.update(status("linux-x64", 3, 1, 2, 0, 10));
        board.update(status("linux-x64-large", 1, 1, 0, 1, 5));

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("gha_desired_runners{name=\"linux-x64\",namespace=\"runners-a\",pool=\"linux-x64\"} 3.0")
                .contains("gha_busy_runners{name=\"linux-x64\",namespace=\"runners-a\",pool=\"linux-x64\"} 2.0")
                .contains("gha_registered_runners{name=\"linux-x64\",namespace=\"runners-a\",pool=\"linux-x64\"} 3.0")
                .contains(
                        "gha_max_runners{name=\"linux-x64-large\",namespace=\"runners-b\",pool=\"linux-x64-large\"} 5.0")
                .contains(
                        "gha_min_runners{name=\"linux-x64-large\",namespace=\"runners-b\",pool=\"linux-x64-large\"} 1.0");

        // values follow the board without re-registration
        board.update(status("linux-x64", 7, 0, 7, 0, 10));
        assertThat(registry.scrape())
                .contains("gha_desired_runners{name=\"linux-x64\",namespace=\"runners-a\",pool=\"linux-x64\"} 7.0");
    }

    @Test
    void losingLeadershipRemovesTheGaugesInsteadOfReportingStaleValues() {
        board.update(status("linux-x64", 3, 1, 2, 0, 10));
        assertThat(registry.scrape()).contains("gha_desired_runners{");

        board.clear();

        assertThat(registry.scrape()).doesNotContain("gha_desired_runners{").doesNotContain("gha_idle_runners{");
    }

    @Test
    void poolErrorsAndRegistrationFailuresAreCountedByPoolAndBoundedReason() {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RunnerMetrics metrics = new RunnerMetrics(own, List.of(), new PoolStatusBoard());
        metrics.poolError("linux-x64", "github_forbidden");
        metrics.poolError("linux-x64", "github_forbidden");
        metrics.registrationFailure("linux-x64", "offline");

        assertThat(own.scrape())
                .contains("runnerscale_pool_errors_total{pool=\"linux-x64\",reason=\"github_forbidden\"} 2.0")
                .contains("runnerscale_registration_failures_total{pool=\"linux-x64\",reason=\"offline\"} 1.0");
    }
}
