package dev.runnerscale.autoscaler.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
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
 * once; a later renewal failure does not end the election loop, the replica stays a candidate. Even two leaders at
 * once (a hand-over with a paused JVM) cannot exceed a pool's cap: pods are slot-named.
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
        this.executor = Executors.newCachedThreadPool(r -> {
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
        elect();
    }

    private void elect() {
        var config = new LeaderElectionConfigBuilder()
                .withName(properties.leaseName())
                .withLock(new LeaseLock(properties.namespace(), properties.leaseName(), identity))
                .withLeaseDuration(properties.leaseDuration())
                .withRenewDeadline(properties.renewDeadline())
                .withRetryPeriod(properties.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build();
        election = client.leaderElector().withConfig(config).build().start().whenComplete((ignored, error) -> {
            // The elector ends after losing a renewal; stay a candidate while the application runs.
            if (running) {
                if (error != null && !(error instanceof java.util.concurrent.CancellationException)) {
                    log.warn("leader election ended ({}); standing again", error.getMessage());
                }
                executor.execute(this::elect);
            }
        });
    }

    private void started() {
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
            current.cancel(true); // releases the lease (releaseOnCancel) so a follower takes over at once
        }
        leader = false;
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the reconcile loop (higher phase stops first) so a pass never runs without the lease. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }
}
