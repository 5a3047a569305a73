package dev.runnerscale.autoscaler.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.ZonedDateTime;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * {@link Leadership} by fabric8's {@code LeaderElector} on a {@code Lease}. Losing the lease stops reconciling at
 * once; the replica then stands again. Even two leaders at once (a hand-over with a paused JVM) cannot exceed a
 * pool's cap: pods are slot-named.
 *
 * <p>The elector runs on a client of its own: cancelling fabric8 7.8's election future does not stop its renewal
 * loop, so on shutdown that client is closed (the loop can renew no more) and the lease is then handed back
 * explicitly, letting a follower take over at once instead of after the lease duration.
 */
public class KubernetesLeadership implements Leadership, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KubernetesLeadership.class);

    private final KubernetesClient client;
    private final LeaderElectionProperties properties;
    private final String identity;
    private final Consumer<LeadershipChanged> listener;
    private final ExecutorService executor;
    private volatile boolean leader;
    private volatile boolean running;
    private volatile KubernetesClient electorClient;
    private volatile CompletableFuture<?> election;

    public KubernetesLeadership(
            KubernetesClient client,
            LeaderElectionProperties properties,
            String identity,
            Consumer<LeadershipChanged> listener) {
        this.client = client;
        this.properties = properties;
        this.identity = identity;
        this.listener = listener;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnerscale-leader-election");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    public String identity() {
        return identity;
    }

    @Override
    public void start() {
        running = true;
        electorClient = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
        elect();
    }

    private void elect() {
        var config = new LeaderElectionConfigBuilder()
                .withName(properties.leaseName())
                .withLock(new LeaseLock(properties.namespace(), properties.leaseName(), identity))
                .withLeaseDuration(properties.leaseDuration())
                .withRenewDeadline(properties.renewDeadline())
                .withRetryPeriod(properties.retryPeriod())
                .withReleaseOnCancel(false)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build();
        CompletableFuture<?> started =
                electorClient.leaderElector().withConfig(config).build().start();
        election = started;
        started.whenComplete((ignored, error) -> {
            // The elector ends after losing a renewal; stay a candidate while the application runs.
            if (running) {
                if (error != null && !(error instanceof CancellationException)) {
                    log.warn("leader election ended ({}); standing again", error.getMessage());
                }
                executor.execute(this::elect);
            }
        });
    }

    private void started() {
        if (!running) {
            return;
        }
        leader = true;
        log.info("{} leads {}/{}: reconciling runners", identity, properties.namespace(), properties.leaseName());
        listener.accept(new LeadershipChanged(true));
    }

    private void stopped() {
        boolean was = leader;
        leader = false;
        if (was) {
            log.info("{} no longer leads: reconciling stops", identity);
            listener.accept(new LeadershipChanged(false));
        }
    }

    private void newLeader(String who) {
        log.info("leader of {}/{} is {}", properties.namespace(), properties.leaseName(), who);
    }

    @Override
    public void stop() {
        running = false;
        CompletableFuture<?> current = election;
        if (current != null) {
            current.cancel(true);
        }
        KubernetesClient own = electorClient;
        if (own != null) {
            own.close(); // from here the elector can no longer renew
        }
        boolean was = leader;
        stopped();
        if (was) {
            release();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands the lease back if we still hold it, so that a follower need not wait for it to expire. */
    private void release() {
        try {
            client.leases()
                    .inNamespace(properties.namespace())
                    .withName(properties.leaseName())
                    .edit(lease -> identity.equals(lease.getSpec().getHolderIdentity())
                            ? new LeaseBuilder(lease)
                                    .editSpec()
                                    .withHolderIdentity(null)
                                    .withLeaseDurationSeconds(1)
                                    .withRenewTime(ZonedDateTime.now())
                                    .endSpec()
                                    .build()
                            : lease);
            log.info("{} released the lease {}/{}", identity, properties.namespace(), properties.leaseName());
        } catch (KubernetesClientException e) {
            // The lease then expires after its duration: a slower hand-over, never a second leader.
            log.warn("could not release the lease: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after the reconcile loop (phase lower), so no pass runs without the lease. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }
}
