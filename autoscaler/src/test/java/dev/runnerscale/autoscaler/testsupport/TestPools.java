package dev.runnerscale.autoscaler.testsupport;

import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.RunnersProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Configuration records for tests, bound from properties exactly as the application binds them (Spring Boot's
 * {@code Binder}, defaults from {@code @DefaultValue}): a test names only what it cares about, and a setting added to
 * the records later never breaks it.
 */
public final class TestPools {

    private TestPools() {}

    /**
     * A pool from properties relative to the pool ({@code "name", "linux", "labels", "self-hosted,linux",
     * "github.owner", "acme", "pod.node-selector[karpenter.sh/capacity-type]", "spot"}).
     */
    public static Pool pool(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put("runnerscale.pools[0]." + keyValues[i], keyValues[i + 1]);
        }
        return pools(properties).pools().get(0);
    }

    /** Pools from full property names ({@code runnerscale.pools[1].max}). */
    public static PoolsProperties pools(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("runnerscale", Bindable.of(PoolsProperties.class));
    }

    /** The runner settings with the given ones changed ({@code "github-sync-interval", "0s"}). */
    public static RunnersProperties runners(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put("runnerscale.runners." + keyValues[i], keyValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("runnerscale.runners", Bindable.of(RunnersProperties.class));
    }

    /** The test pool of most scenarios: organisation {@code acme}, labels self-hosted/linux/x64, spot nodes. */
    public static Pool standard(String name, String namespace, int minIdle, int max) {
        return pool(
                "name", name,
                "namespace", namespace,
                "labels", "self-hosted,linux,x64",
                "github.owner", "acme",
                "min-idle", Integer.toString(minIdle),
                "max", Integer.toString(max),
                "pod.image", "ghcr.io/actions/actions-runner:2.329.0",
                "pod.node-selector[karpenter.sh/capacity-type]", "spot",
                "pod.tolerations[0].key", "spot",
                "pod.tolerations[0].operator", "Exists",
                "pod.tolerations[0].effect", "NoSchedule",
                "pod.env.RUNNER_FEATURE", "on");
    }

    public static List<Pool> list(Pool... pools) {
        return List.of(pools);
    }
}
