package dev.runnerscale.autoscaler.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The names operators chart, as Prometheus scrapes them, with bounded tags only. */
class GitHubMetricsTest {

    @RegisterExtension
    static final GitHubWireMock github = new GitHubWireMock();

    @Test
    void areScrapedUnderTheDocumentedNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GitHubMetrics metrics = new GitHubMetrics(prometheus);
        GitHubClients clients = GitHubClients.withToken(github.baseUrl(), Map.of());
        GitHubHttp http = new GitHubHttp(
                clients.properties,
                tools.jackson.databind.json.JsonMapper.builder().build(),
                clients.gate,
                metrics,
                clients.clock);
        http.bindMetrics(prometheus);
        GitHubScope org = GitHubScope.of("octo-org", "", 1);
        github.stubRunnerPages(org, List.of(List.of()));

        new RestGitHubRunnerApi(http, GitHubCredentials.from(clients.properties, http, clients.clock)).listRunners(org);

        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("runnerscale_github_requests_total{operation=\"list_runners\",outcome=\"success\"} 1.0")
                .contains("runnerscale_github_rate_limit_remaining{scope=\"token\"} 4999.0")
                .contains("resilience4j_circuitbreaker_state{name=\"github\",state=\"closed\"} 1.0");
    }
}
