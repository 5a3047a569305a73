package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.leader.AlwaysLeader;
import dev.runnerscale.autoscaler.leader.KubernetesLeadership;
import dev.runnerscale.autoscaler.leader.LeaderElectionProperties;
import dev.runnerscale.autoscaler.leader.Leadership;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the runner reconciler, its triggers and leader election. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RunnersProperties.class, KubernetesProperties.class, LeaderElectionProperties.class})
class RunnersConfiguration {

    /**
     * The cluster from a kubeconfig or the in-cluster service account. Without either the production jar stops
     * here with a message saying so; the local default ({@code TestAutoscalerApplication}) supplies an in-process
     * API server instead.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient(KubernetesProperties properties) {
        if (!properties.masterUrl().isBlank()) {
            return new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder(Config.empty())
                            .withMasterUrl(properties.masterUrl())
                            .withTrustCerts(true)
                            .build())
                    .build();
        }
        String kubeconfigEnv = System.getenv("KUBECONFIG");
        Path kubeconfig = kubeconfigEnv != null && !kubeconfigEnv.isBlank()
                ? Path.of(kubeconfigEnv.split(java.io.File.pathSeparator)[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        boolean explicitMaster =
                System.getProperty("kubernetes.master") != null || System.getenv("KUBERNETES_MASTER") != null;
        if (!inCluster && !explicitMaster && !Files.isReadable(kubeconfig)) {
            throw new IllegalStateException("No Kubernetes configuration: no kubeconfig at " + kubeconfig
                    + " (KUBECONFIG), not running in a cluster (KUBERNETES_SERVICE_HOST unset), no"
                    + " runnerscale.kubernetes.master-url and no kubernetes.master set. Point KUBECONFIG at a cluster, or run the local default with"
                    + " ./mvnw -pl autoscaler spring-boot:test-run");
        }
        return new KubernetesClientBuilder().build();
    }

    @Bean
    PoolStatusBoard poolStatusBoard() {
        return new PoolStatusBoard();
    }

    @Bean
    RunnerMetrics runnerMetrics(MeterRegistry registry, PoolsProperties pools, PoolStatusBoard board) {
        return new RunnerMetrics(registry, pools.pools(), board);
    }

    @Bean(destroyMethod = "close")
    RunnerEvents runnerEvents(
            KubernetesClient client,
            RunnersProperties properties,
            KubernetesProperties kubernetes,
            ObjectProvider<Clock> clock) {
        return new RunnerEvents(
                client,
                clock.getIfAvailable(Clock::systemUTC),
                properties.eventDedupeWindow(),
                kubernetes.knowsOwnPod() ? kubernetes.podNamespace() : null,
                kubernetes.knowsOwnPod() ? kubernetes.podName() : null);
    }

    @Bean
    RunnerReconciler runnerReconciler(
            PoolsProperties pools,
            RunnersProperties properties,
            JobLedger ledger,
            GitHubRunnerApi github,
            KubernetesClient client,
            RunnerEvents events,
            PoolStatusBoard board,
            RunnerMetrics metrics,
            ObjectProvider<Clock> clock,
            ObjectProvider<RunnerLifecycleListener> listeners,
            ObjectProvider<NodeCapacity> nodes) {
        return new RunnerReconciler(
                pools,
                properties,
                ledger,
                github,
                new KubernetesRunnerFleet(client),
                events,
                board,
                metrics,
                clock.getIfAvailable(Clock::systemUTC),
                listeners.orderedStream().toList(),
                nodes.getIfAvailable());
    }

    @Bean
    @ConditionalOnProperty(name = "runnerscale.runners.enabled", havingValue = "true", matchIfMissing = true)
    ReconcileLoop reconcileLoop(
            RunnerReconciler reconciler,
            Leadership leadership,
            KubernetesClient client,
            RunnersProperties properties,
            ObjectProvider<Clock> clock) {
        return new ReconcileLoop(
                reconciler,
                leadership,
                client,
                properties.resyncPeriod(),
                properties.minPassInterval(),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean(Leadership.class)
    Leadership leadership(
            LeaderElectionProperties properties, KubernetesClient client, ApplicationEventPublisher publisher) {
        if (!properties.enabled()) {
            return new AlwaysLeader();
        }
        String identity = properties.identity().isBlank() ? hostName() : properties.identity();
        return new KubernetesLeadership(client, properties, identity, publisher::publishEvent);
    }

    private static String hostName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName() + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
        } catch (UnknownHostException e) {
            return "runnerscale-" + UUID.randomUUID();
        }
    }
}
