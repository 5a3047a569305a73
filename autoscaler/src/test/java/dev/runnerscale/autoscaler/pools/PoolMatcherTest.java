package dev.runnerscale.autoscaler.pools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolMatcherTest {

    private static PoolsProperties.Pool pool(String name, String... labels) {
        return new PoolsProperties.Pool(
                name,
                List.of(labels),
                new PoolsProperties.GitHubScope("acme", "", 1),
                0,
                10,
                java.time.Duration.ofMinutes(10),
                java.time.Duration.ofMinutes(5),
                "runners",
                new PoolsProperties.PodTemplate(
                        "image",
                        new PoolsProperties.Resources("1", "2Gi", "2", "4Gi"),
                        Map.of(),
                        List.of(),
                        Map.of(),
                        "",
                        java.time.Duration.ofMinutes(5),
                        false));
    }

    // configuration order matters: "spot-a" and "spot-b" are equally specific, "spot-a" comes first
    private static final PoolMatcher MATCHER = new PoolMatcher(new PoolsProperties(List.of(
            pool("large", "self-hosted", "linux", "x64", "large"),
            pool("spot-a", "self-hosted", "linux", "x64"),
            pool("spot-b", "Self-Hosted", "Linux", "X64"),
            pool("arm", "self-hosted", "linux", "arm64"),
            pool("gpu", "self-hosted", "linux", "x64", "gpu", "large"))));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "NONE",
            delimiter = '|',
            value = {
                "self-hosted,linux,x64        | spot-a",
                "SELF-HOSTED,Linux,X64        | spot-a",
                "self-hosted                  | spot-a",
                "linux                        | spot-a",
                "self-hosted,large            | large",
                "self-hosted,linux,x64,large  | large",
                "gpu                          | gpu",
                "large,gpu                    | gpu",
                "arm64                        | arm",
                "self-hosted,linux,x64,arm64  | NONE",
                "ubuntu-latest                | NONE",
                "self-hosted,windows          | NONE",
                "Self-hosted , LINUX          | spot-a",
                "x64,x64,linux                | spot-a"
            })
    void theMostSpecificPoolContainingAllLabelsWinsTiesByConfigurationOrder(String labels, String expected) {
        List<String> jobLabels =
                Arrays.stream(labels.split(",")).map(String::trim).toList();
        assertThat(MATCHER.match(jobLabels).orElse(null)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aJobWithoutLabelsIsNotOurs() {
        assertThat(MATCHER.match(List.of())).isEmpty();
        assertThat(MATCHER.match(List.of(" "))).isEmpty();
    }
}
