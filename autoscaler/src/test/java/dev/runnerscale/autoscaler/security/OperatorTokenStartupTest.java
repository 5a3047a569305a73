package dev.runnerscale.autoscaler.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.api.ApiProperties;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Outside the local profile the operator API is never served without a token by accident. */
class OperatorTokenStartupTest {

    @Test
    void withoutAnOperatorTokenStartUpFailsNamingTheKey() {
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.remove("runnerscale.api.tokens");
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("runnerscale.runners.enabled", "false");
        assertThatThrownBy(
                        () -> SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties))
                                .close())
                .satisfies(failure -> {
                    StringBuilder all = new StringBuilder();
                    for (Throwable t = failure; t != null; t = t.getCause()) {
                        all.append(t.getMessage()).append('\n');
                    }
                    assertThat(all.toString())
                            .contains("No operator token configured")
                            .contains("runnerscale.api.tokens")
                            .contains("RUNNERSCALE_API_TOKENS")
                            .contains("runnerscale.api.open=true");
                });
    }

    @Test
    void onlyAnExplicitOpenSettingOrTheLocalProfileServesTheApiWithoutAToken() {
        MockEnvironment production = new MockEnvironment();
        MockEnvironment local = new MockEnvironment();
        local.setActiveProfiles("local");

        assertThat(SecurityConfiguration.apiOpen(new ApiProperties(List.of(), null, true), production))
                .isTrue();
        assertThat(SecurityConfiguration.apiOpen(new ApiProperties(List.of(), null, false), local))
                .isTrue();
        // tokens configured: they are required, whatever else is set
        assertThat(SecurityConfiguration.apiOpen(new ApiProperties(List.of("a-token"), null, true), production))
                .isFalse();
        assertThat(SecurityConfiguration.apiOpen(new ApiProperties(List.of("a-token"), null, false), local))
                .isFalse();
    }

    @Test
    void theFormerSingleTokenSettingIsStillReadAndTokensAreNeverPrinted() {
        ApiProperties properties = new ApiProperties(List.of(" new-token ", ""), "old-token", false);
        assertThat(properties.tokens()).containsExactly("new-token", "old-token");
        assertThat(properties.toString()).doesNotContain("new-token", "old-token");
    }

    @Test
    void aTokenNoBearerHeaderCouldCarryFailsNamingTheKeyWithoutEchoingIt() {
        assertThatThrownBy(() -> new ApiProperties(List.of("with space"), null, false))
                .hasMessageContaining("runnerscale.api.tokens")
                .hasMessageNotContaining("with space");
    }
}
