package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.jobs.JobLedgerChanged;
import dev.runnerscale.autoscaler.leader.Leadership;
import dev.runnerscale.autoscaler.leader.LeadershipChanged;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Drives the reconciler: one thread, passes triggered by ledger changes (webhook deliveries), runner pod events
 * (informer) and a periodic resync. Leading edge and coalescing: a trigger runs a pass at once if none is running
 * and none started within the last {@code minPassInterval}, else when that interval is over; triggers that arrive
 * meanwhile mark their pools dirty and cause exactly one follow-up pass. Only the leader reconciles; a follower
 * drops triggers and catches up with a full pass when it becomes leader.
 *
 * <p>{@code client} may be null: then no pod informer is started (ledger triggers, requeues and resync only).
 */
public class ReconcileLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

    private final RunnerReconciler reconciler;
    private final Leadership leadership;
    private final KubernetesClient client;
    private final Duration resyncPeriod;
    private final long minPassIntervalNanos;
    private final Clock clock;
    private volatile long lastPassStart = System.nanoTime() - Long.MAX_VALUE / 2;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong passes = new AtomicLong();
    private final List<SharedIndexInformer<Pod>> informers = new CopyOnWriteArrayList<>();
    private volatile ScheduledExecutorService executor;
    private volatile ExecutorService listingExecutor;
    private volatile boolean running;

    public ReconcileLoop(
            RunnerReconciler reconciler,
            Leadership leadership,
            KubernetesClient client,
            Duration resyncPeriod,
            Duration minPassInterval,
            Clock clock) {
        this.reconciler = reconciler;
        this.leadership = leadership;
        this.client = client;
        this.resyncPeriod = resyncPeriod;
        this.minPassIntervalNanos = minPassInterval.toNanos();
        this.clock = clock;
    }

    @EventListener
    public void onLedgerChanged(JobLedgerChanged event) {
        if (event.pool() == null) {
            requestAll();
        } else {
            request(event.pool());
        }
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged event) {
        if (event.leader()) {
            requestAll();
        } else {
            reconciler.leadershipLost();
        }
    }

    public void request(String pool) {
        dirty.add(pool);
        schedule();
    }

    /** Every configured pool, and every pool no longer configured whose pods are still around (to drain them). */
    public void requestAll() {
        dirty.addAll(reconciler.poolNamesWithPods());
        schedule();
    }

    /** Whether every pod informer has synced and is watching, so decisions read its cache (false without any). */
    public boolean watchingPods() {
        return !informers.isEmpty() && informers.stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    /** Passes run so far (for tests and the benchmark to wait on). */
    public long passes() {
        return passes.get();
    }

    private void schedule() {
        ScheduledExecutorService current = executor;
        if (current != null && scheduled.compareAndSet(false, true)) {
            // the monotonic clock, not the injected one: this is pacing, not a decision
            long wait = lastPassStart + minPassIntervalNanos - System.nanoTime();
            try {
                if (wait <= 0) {
                    current.execute(this::pass);
                } else {
                    current.schedule(this::pass, wait, TimeUnit.NANOSECONDS);
                }
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // stopping
            }
        }
    }

    private void pass() {
        lastPassStart = System.nanoTime();
        scheduled.set(false);
        if (!leadership.isLeader()) {
            dirty.clear();
            reconciler.leadershipLost();
            return;
        }
        Set<String> pools = new HashSet<>(dirty);
        dirty.removeAll(pools);
        if (pools.isEmpty()) {
            return;
        }
        String passId = Long.toString(passes.incrementAndGet(), 36);
        try {
            Optional<Instant> next = reconciler.reconcile(pools, passId);
            next.ifPresent(at -> requeue(pools, at));
        } catch (RuntimeException e) {
            // Never let one bad pass end the loop: log it and try again shortly.
            log.error("reconcile pass {} failed; retrying in 1s", passId, e);
            requeue(pools, clock.instant().plusSeconds(1));
        }
    }

    private void requeue(Set<String> pools, Instant at) {
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledExecutorService current = executor;
        if (current == null || !running) {
            return;
        }
        if (delay == 0) {
            pools.forEach(this::request);
        } else {
            current.schedule(() -> pools.forEach(this::request), Math.max(delay, 50), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void start() {
        ScheduledThreadPoolExecutor passes = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "runnerscale-reconciler");
            t.setDaemon(true);
            return t;
        });
        // stop() waits for a pass under way, not for requeues due later (a pending timeout, a hold's end): by default
        // a delayed task still runs after shutdown, and stopping waited for it up to the 10 s limit
        passes.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor = passes;
        // GitHub's runner listings (pages of 100 at GitHub's latency) on a thread of their own: a pass never waits for
        // one, and the listing's arrival runs the pass that sweeps with it
        listingExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnerscale-github-listing");
            t.setDaemon(true);
            return t;
        });
        reconciler.listGitHubOn(listingExecutor, this::requestAll);
        running = true;
        // no client, no informer: triggered by the ledger, requeues and the resync only
        Set<String> namespaces = client == null ? Set.of() : reconciler.namespaces();
        for (String namespace : namespaces) {
            SharedIndexInformer<Pod> informer = client.pods()
                    .inNamespace(namespace)
                    .withLabel(RunnerPodFactory.MANAGED_BY_LABEL, RunnerPodFactory.MANAGED_BY)
                    .runnableInformer(0);
            informer.addEventHandler(new PodEvents());
            // An API server that is unreachable or slow while we start (a control-plane upgrade, a network policy not
            // yet applied, missing RBAC) must not stop the webhook intake from starting: the informer keeps retrying
            // with the client's back-off, and until its cache has synced each pass LISTs pods itself.
            informer.exceptionHandler((started, e) -> {
                log.warn(
                        "runner pod watch in namespace {} failed ({}), retrying: {}",
                        namespace,
                        started ? "after start" : "before its first sync",
                        e.toString());
                return true;
            });
            informers.add(informer);
            // the same informer that triggers passes feeds them: no LIST per pass
            reconciler.cachePods(namespace, informer);
            informer.start().whenComplete((synced, e) -> {
                if (e == null) {
                    log.info("runner pod cache of namespace {} synced", namespace);
                }
            });
        }
        long resync = resyncPeriod.toMillis();
        executor.scheduleAtFixedRate(this::requestAll, resync, resync, TimeUnit.MILLISECONDS);
        requestAll();
    }

    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService current = executor;
        executor = null;
        if (current != null) {
            current.shutdown();
            try {
                if (!current.awaitTermination(10, TimeUnit.SECONDS)) {
                    current.shutdownNow();
                }
            } catch (InterruptedException e) {
                current.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        ExecutorService listing = listingExecutor;
        listingExecutor = null;
        reconciler.listGitHubInPass();
        if (listing != null) {
            listing.shutdownNow(); // a listing under way is simply not used: the next leader lists again
        }
        // Only after the last pass: a pass in flight still reads the cache, and the pods it creates still send
        // events, which are better received than cut off mid-stream.
        reconciler.dropPodCaches();
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Pod changes only name the pool to look at again; the pass re-reads everything (level-based). */
    private final class PodEvents implements ResourceEventHandler<Pod> {

        @Override
        public void onAdd(Pod pod) {
            poke(pod);
        }

        @Override
        public void onUpdate(Pod oldPod, Pod newPod) {
            poke(newPod);
        }

        @Override
        public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            poke(pod);
        }

        private void poke(Pod pod) {
            String pool = pod.getMetadata().getLabels() == null
                    ? null
                    : pod.getMetadata().getLabels().get(RunnerPodFactory.POOL_LABEL);
            if (pool != null) {
                request(pool);
            }
        }
    }
}
