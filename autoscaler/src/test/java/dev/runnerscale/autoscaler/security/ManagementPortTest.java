package dev.runnerscale.autoscaler.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.AutoscalerTestBase;
import dev.runnerscale.testkit.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Actuator is on the management port only; the public port serves the webhook and {@code /api/**} alone. */
class ManagementPortTest extends AutoscalerTestBase {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/actuator",
                "/actuator/health",
                "/actuator/health/liveness",
                "/actuator/health/readiness",
                "/actuator/info",
                "/actuator/prometheus",
                "/actuator/env"
            })
    void actuatorIsNotOnThePublicPortEvenWithTheOperatorToken(String path) {
        try (RawHttp http = new RawHttp(port)) {
            RawHttp.Response response = http.send(
                    "GET", path, List.<String[]>of(new String[] {"Authorization", "Bearer " + API_TOKEN}), null);
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.isProblem()).isTrue();
            assertThat(response.text()).doesNotContain("UP").doesNotContain("gha_");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/actuator/health/liveness",
                "/actuator/health/readiness",
                "/actuator/info",
                "/actuator/prometheus"
            })
    void probesScrapeAndInfoAreOnTheManagementPortWithoutAToken(String path) {
        try (RawHttp http = new RawHttp(managementPort)) {
            RawHttp.Response response = http.send("GET", path);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }
    }

    @Test
    void theManagementPortExposesNothingElse() {
        try (RawHttp http = new RawHttp(managementPort)) {
            assertThat(http.send("GET", "/actuator/env").status()).isEqualTo(404);
            assertThat(http.send("GET", "/actuator/beans").status()).isEqualTo(404);
            assertThat(http.send("GET", "/api/v1/pools").status()).isIn(401, 404);
            assertThat(http.send("POST", "/webhooks/github").status()).isEqualTo(404);
        }
    }
}
