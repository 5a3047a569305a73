package dev.runnerscale.autoscaler.pools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.testsupport.TestPools;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolMatcherTest {

    private static PoolsProperties.Pool pool(String name, String... labels) {
        return TestPools.pool("name", name, "labels", String.join(",", labels), "github.owner", "acme");
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
        assertThat(MATCHER.match("acme", "app", jobLabels).orElse(null)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aJobWithoutLabelsIsNotOurs() {
        assertThat(MATCHER.match("acme", "app", List.of())).isEmpty();
        assertThat(MATCHER.match("acme", "app", List.of(" "))).isEmpty();
    }

    @Nested
    class Scope {

        // two organisations with the same labels, a repository-scoped pool, an allow-listed pool
        private final PoolMatcher matcher = new PoolMatcher(TestPools.pools(Map.ofEntries(
                Map.entry("runnerscale.pools[0].name", "acme-linux"),
                Map.entry("runnerscale.pools[0].labels", "self-hosted,linux"),
                Map.entry("runnerscale.pools[0].github.owner", "acme"),
                Map.entry("runnerscale.pools[1].name", "globex-linux"),
                Map.entry("runnerscale.pools[1].labels", "self-hosted,linux"),
                Map.entry("runnerscale.pools[1].github.owner", "Globex"),
                Map.entry("runnerscale.pools[2].name", "acme-web-deploy"),
                Map.entry("runnerscale.pools[2].labels", "self-hosted,linux,deploy"),
                Map.entry("runnerscale.pools[2].github.owner", "acme"),
                Map.entry("runnerscale.pools[2].github.repository", "web"),
                Map.entry("runnerscale.pools[3].name", "acme-api-gpu"),
                Map.entry("runnerscale.pools[3].labels", "self-hosted,linux,gpu"),
                Map.entry("runnerscale.pools[3].github.owner", "acme"),
                Map.entry("runnerscale.pools[3].github.repositories", "api-*,acme/ml"))));

        @ParameterizedTest(name = "{0}/{1} {2} -> {3}")
        @CsvSource(
                nullValues = "NONE",
                delimiter = '|',
                value = {
                    "acme   | app     | self-hosted,linux        | acme-linux",
                    "globex | app     | self-hosted,linux        | globex-linux",
                    "GLOBEX | app     | linux                    | globex-linux",
                    "initech| app     | self-hosted,linux        | NONE",
                    "acme   | web     | self-hosted,linux,deploy | acme-web-deploy",
                    "acme   | app     | self-hosted,linux,deploy | NONE",
                    "globex | web     | self-hosted,linux,deploy | NONE",
                    "acme   | api-v2  | gpu                      | acme-api-gpu",
                    "acme   | ml      | gpu                      | acme-api-gpu",
                    "acme   | web     | gpu                      | NONE",
                    "globex | api-v2  | gpu                      | NONE"
                })
        void aJobMatchesOnlyAPoolWhoseGitHubScopeHoldsItsRepository(
                String owner, String repository, String labels, String expected) {
            List<String> jobLabels =
                    Arrays.stream(labels.split(",")).map(String::trim).toList();
            assertThat(matcher.match(owner, repository, jobLabels).orElse(null)).isEqualTo(expected);
        }
    }
}
