package dev.runnerscale.taskapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiClient;
import dev.runnerscale.taskapi.testsupport.ApiTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingTest extends ApiTest {

    @Test
    void logLinesOfARequestAreJsonWithItsRequestIdAndNeverTheToken(CapturedOutput output) {
        ApiClient.Response minted = api.post("/admin/tokens")
                .token(BOOTSTRAP_TOKEN)
                .header("X-Request-Id", "req-log-1")
                .json("{\"owner\":\"dana\",\"scopes\":[\"tasks:read\"]}")
                .send();
        String token = minted.json().path("token").asString();

        String line = output.getOut()
                .lines()
                .filter(l -> l.contains("Minted token"))
                .findFirst()
                .orElseThrow();
        JsonNode json = ApiClient.JSON.readTree(line);
        assertThat(json.path("request_id").asString()).isEqualTo("req-log-1");
        assertThat(json.path("log").path("level").asString()).isEqualTo("INFO");
        assertThat(output.getAll()).doesNotContain(token).doesNotContain(BOOTSTRAP_TOKEN);
    }
}
