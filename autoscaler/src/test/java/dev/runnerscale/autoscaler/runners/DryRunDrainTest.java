package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runnerscale.autoscaler.AutoscalerApplication;
import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.Payloads;
import dev.runnerscale.autoscaler.testsupport.TestProperties;
import dev.runnerscale.autoscaler.testsupport.WebhookClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The local default is a GitHub dry run: its runner pods are never registered, and after their jobs completed they
 * must still go at the idle timeout (they stayed for ever while every pass said {@code idle_timeout}).
 */
class DryRunDrainTest {

    private static final String NAMESPACE = "dry-run-drain";

    private KubernetesTestServer kubernetes;
    private KubernetesClient client;
    private Kubelet kubelet;
    private ConfigurableApplicationContext app;

    @BeforeEach
    void start() {
        kubernetes = new KubernetesTestServer();
        client = kubernetes.client();
        kubelet = new Kubelet(client, NAMESPACE);
        Map<String, String> properties = new HashMap<>(TestProperties.common());
        properties.put("spring.datasource.url", EmbeddedDatabase.jdbcUrl(EmbeddedDatabase.shared()));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("runnerscale.kubernetes.master-url", kubernetes.url());
        for (int i = 0; i < 2; i++) {
            String prefix = "runnerscale.pools[" + i + "].";
            properties.put(prefix + "name", "dry-" + i);
            properties.put(prefix + "labels", "self-hosted,linux,dry-" + i);
            properties.put(prefix + "namespace", NAMESPACE);
            properties.put(prefix + "min-idle", "0");
            properties.put(prefix + "max", "3");
            properties.put(prefix + "idle-timeout", "2s");
        }
        app = SpringApplication.run(AutoscalerApplication.class, TestProperties.asArguments(properties));
    }

    @AfterEach
    void stop() {
        app.close();
        kubelet.close();
        client.close();
        kubernetes.close();
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
    }

    @Test
    void dryRunRunnersDrainAfterTheIdleTimeoutOnceTheirJobsCompleted() {
        WebhookClient webhooks = new WebhookClient(
                Integer.parseInt(app.getEnvironment().getProperty("local.server.port")), "test-secret");
        long job = System.nanoTime();
        byte[] queued =
                Payloads.job(job).labels("self-hosted", "linux", "dry-0").bytes();
        assertThat(webhooks.deliver("workflow_job", queued).statusCode()).isEqualTo(202);

        // the kubelet runs the dry-run pod at once (no JIT Secret to wait for): unregistered, yet capacity
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pods().size() == 1
                        && pods().get(0).getStatus() != null
                        && "Running".equals(pods().get(0).getStatus().getPhase()));

        byte[] completed = Payloads.job(job)
                .action("completed")
                .status("completed")
                .labels("self-hosted", "linux", "dry-0")
                .bytes();
        assertThat(webhooks.deliver("workflow_job", completed).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> pods().isEmpty());
        assertThat(kubelet.podsCreated()).isEqualTo(1);
    }
}
