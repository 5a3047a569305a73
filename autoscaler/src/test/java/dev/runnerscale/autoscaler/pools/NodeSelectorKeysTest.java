package dev.runnerscale.autoscaler.pools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Import;

/** A node-selector key with a '/' binds whole only in brackets; written plainly, start-up is refused and says so. */
class NodeSelectorKeysTest {

    @EnableConfigurationProperties(PoolsProperties.class)
    @Import(NodeSelectorKeys.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "runnerscale.pools[0].name=spot",
                    "runnerscale.pools[0].labels[0]=self-hosted",
                    "runnerscale.pools[0].github.owner=acme");

    @Test
    void aPlainKeyWithASlashIsRefusedNamingTheKeyAndTheFix() {
        runner.withPropertyValues("runnerscale.pools[0].pod.node-selector.karpenter.sh/capacity-type=spot")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("key 'karpenter.sh/capacity-type'")
                            .hasMessageContaining("would bind as 'karpenter.shcapacity-type'")
                            .hasMessageContaining("\"[karpenter.sh/capacity-type]\"");
                });
    }

    @Test
    void aBracketedKeyBindsWholeAndAPlainKeyWithoutASlashIsFine() {
        runner.withPropertyValues(
                        "runnerscale.pools[0].pod.node-selector.[karpenter.sh/capacity-type]=spot",
                        "runnerscale.pools[0].pod.node-selector.pool=spot")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PoolsProperties.class)
                                    .pools()
                                    .get(0)
                                    .pod()
                                    .nodeSelector())
                            .containsOnly(
                                    java.util.Map.entry("karpenter.sh/capacity-type", "spot"),
                                    java.util.Map.entry("pool", "spot"));
                });
    }
}
