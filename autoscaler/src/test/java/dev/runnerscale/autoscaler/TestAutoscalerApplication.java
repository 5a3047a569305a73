package dev.runnerscale.autoscaler;

import dev.runnerscale.autoscaler.testsupport.EmbeddedDatabase;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local default: the real autoscaler on an embedded, durable PostgreSQL whose data lives in
 * {@code autoscaler/target/local-postgres} (kept across restarts, gone with {@code mvn clean}), with the
 * {@code local} profile's development secret and sample pools, and — without a kubeconfig — an in-process Kubernetes
 * API with a kubelet, so the whole loop (webhook, ledger, runner pods, GitHub dry-run) runs on a laptop. Start with
 * {@code ./mvnw -pl autoscaler spring-boot:test-run}.
 */
public final class TestAutoscalerApplication {

    private static final Logger log = LoggerFactory.getLogger(TestAutoscalerApplication.class);

    private TestAutoscalerApplication() {}

    /** A kubeconfig ({@code KUBECONFIG} or {@code ~/.kube/config}), an in-cluster account or an explicit URL. */
    private static boolean kubernetesConfigured() {
        String kubeconfig = System.getenv("KUBECONFIG");
        Path path = kubeconfig != null && !kubeconfig.isBlank()
                ? Path.of(kubeconfig.split(java.io.File.pathSeparator)[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        return java.nio.file.Files.isReadable(path)
                || System.getenv("KUBERNETES_SERVICE_HOST") != null
                || System.getProperty("runnerscale.kubernetes.master-url") != null;
    }

    public static void main(String[] args) {
        Path data = Path.of("target", "local-postgres").toAbsolutePath();
        EmbeddedPostgres postgres = EmbeddedDatabase.durable(data);
        System.setProperty("spring.datasource.url", EmbeddedDatabase.jdbcUrl(postgres));
        System.setProperty("spring.datasource.username", "postgres");
        System.setProperty("spring.datasource.password", "postgres");
        if (System.getProperty("spring.profiles.active") == null) {
            System.setProperty("spring.profiles.active", "local");
        }
        if (!kubernetesConfigured()) {
            // No cluster: an in-process API server (fabric8's mock server, CRUD) and a kubelet that runs the pods
            // of the sample pools' namespace once their JIT Secret exists, or at once when registration was skipped.
            KubernetesTestServer kubernetes = KubernetesTestServer.shared();
            System.setProperty("runnerscale.kubernetes.master-url", kubernetes.url());
            // tells the local profile's guard (config.LocalDefaultGuard) that this is no real cluster
            System.setProperty("runnerscale.local.in-process-kubernetes", "true");
            System.setProperty("runnerscale.kubernetes.leader-election.enabled", "false");
            new Kubelet(kubernetes.client(), "runnerscale-runners");
            log.info("local default: no kubeconfig, so an in-process Kubernetes API at {}", kubernetes.url());
        } else {
            log.info("local default: using the configured Kubernetes cluster (kubeconfig)");
        }
        // the only secret ever logged: it is the public development secret of application-local.yml
        log.info(
                "local default: embedded PostgreSQL in {}; webhook secret is the development secret 'dev-secret'",
                data);
        AutoscalerApplication.main(args);
    }
}
