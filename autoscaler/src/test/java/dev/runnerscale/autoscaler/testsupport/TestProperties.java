package dev.runnerscale.autoscaler.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** The test configuration, shared by the cached test context and the contexts tests start themselves. */
public final class TestProperties {

    private TestProperties() {}

    public static Map<String, String> common() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("runnerscale.webhook.secrets", AutoscalerTestBase.SECRET + "," + AutoscalerTestBase.OLD_SECRET);
        p.put("runnerscale.webhook.allowed-owners", "acme*,Octocoders");
        p.put("runnerscale.webhook.allowed-repositories", "partner/tools-*");
        p.put("runnerscale.webhook.max-body-size", "64KB");
        // two operator tokens: a rotation in progress
        p.put("runnerscale.api.tokens", AutoscalerTestBase.API_TOKEN + "," + AutoscalerTestBase.OLD_API_TOKEN);
        // Actuator on a random port of its own, as the public port: contexts started side by side never collide
        p.put("management.server.port", "0");
        p.put("runnerscale.ledger.gauge-refresh", "100ms");
        // Kubernetes: fabric8's mock API server (CRUD) of this JVM; one replica, so no leader election.
        p.put("runnerscale.kubernetes.master-url", KubernetesTestServer.shared().url());
        p.put("runnerscale.kubernetes.leader-election.enabled", "false");
        // The mock API server logs every request at INFO: tens of thousands of lines that hide real failures.
        p.put("logging.level.io.fabric8.mockwebserver", "WARN");
        p.put("runnerscale.pools[0].name", "linux-x64-spot");
        p.put("runnerscale.pools[0].labels", "self-hosted,linux,x64");
        p.put("runnerscale.pools[0].github.owner", "acme");
        p.put("runnerscale.pools[1].name", "linux-x64-large");
        p.put("runnerscale.pools[1].labels", "self-hosted,linux,x64,large");
        p.put("runnerscale.pools[1].github.owner", "acme");
        p.put("runnerscale.pools[1].min-idle", "1");
        p.put("runnerscale.pools[1].max", "5");
        return p;
    }

    /** As {@code --key=value} arguments for a {@code SpringApplication} a test starts itself. */
    public static String[] asArguments(Map<String, String> properties) {
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }
}
