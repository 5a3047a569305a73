package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.GitHubScope;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.runners.FleetObserver.Demand;
import dev.runnerscale.autoscaler.runners.FleetObserver.PoolObservation;
import dev.runnerscale.autoscaler.runners.GitHubRunnerListings.Listing;
import dev.runnerscale.autoscaler.scaling.FailureBackoff;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerExit;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import dev.runnerscale.autoscaler.scaling.ScalingDecision;
import dev.runnerscale.autoscaler.scaling.ScalingDirection;
import dev.runnerscale.autoscaler.scaling.ScalingPolicy;
import dev.runnerscale.autoscaler.scaling.ScalingReason;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile pass over the pools it is given, each read top to bottom as <b>observe</b> ({@link FleetObserver}:
 * pods, ledger, GitHub's runner listing, holds, nodes → a {@code PoolSnapshot}), <b>decide</b> (the pure
 * {@link ScalingPolicy}) and <b>act</b> (the fleet for pods, the {@link RunnerRegistrar} for registration, the
 * {@link RunnerRetirement} for scale-down and moves off nodes going away, {@link NodeCapacity} for the capacity
 * provider and interruption records). Level-based: nothing depends on the event that triggered the pass, so a
 * repeated or concurrent pass does no harm — the slot-named pods make the API server refuse anything over the cap.
 *
 * <p>GitHub is listed once per scope (not per pool) when due, off the pass's thread while the loop runs; the pass after
 * a listing arrived reads the pods and Secrets from the API server once per namespace ({@link ApiServerSnapshot}) and
 * the {@link FleetSweep} removes what no pool owns. Pools no longer configured are drained. Pools are visited least recently served first, so a
 * pool whose calls fail cannot starve the others.
 */
public class RunnerReconciler {

    private static final Logger log = LoggerFactory.getLogger(RunnerReconciler.class);
    private static final Duration ERROR_REQUEUE = Duration.ofSeconds(1);

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final RunnersProperties properties;
    private final GitHubRunnerApi github;
    private final KubernetesRunnerFleet fleet;
    private final RunnerEvents events;
    private final PoolStatusBoard board;
    private final RunnerMetrics metrics;
    private final Clock clock;
    private final ScalingPolicy policy;
    private final RunnerNames names;
    private final PoolHolds holds;
    private final GitHubCalls calls;
    private final GitHubRunnerListings listings;
    private final FleetObserver observer;
    private final RunnerRegistrar registrar;
    private final RunnerRetirement retirement;
    private final FleetSweep sweep;
    private final RunnerOperatorView view;
    private final RunnerListeners listeners;
    private final NodeCapacity nodes;
    private final Map<String, FailureBackoff> backoff = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastServed = new ConcurrentHashMap<>();

    public RunnerReconciler(
            PoolsProperties poolsProperties,
            RunnersProperties properties,
            JobLedger ledger,
            GitHubRunnerApi github,
            KubernetesRunnerFleet fleet,
            RunnerEvents events,
            PoolStatusBoard board,
            RunnerMetrics metrics,
            Clock clock) {
        this(poolsProperties, properties, ledger, github, fleet, events, board, metrics, clock, List.of());
    }

    public RunnerReconciler(
            PoolsProperties poolsProperties,
            RunnersProperties properties,
            JobLedger ledger,
            GitHubRunnerApi github,
            KubernetesRunnerFleet fleet,
            RunnerEvents events,
            PoolStatusBoard board,
            RunnerMetrics metrics,
            Clock clock,
            List<RunnerLifecycleListener> listeners) {
        this(poolsProperties, properties, ledger, github, fleet, events, board, metrics, clock, listeners, null);
    }

    /**
     * @param nodes the pools' nodes: capacity provider and interruption notices (null: none, pods as their template
     *     says)
     */
    public RunnerReconciler(
            PoolsProperties poolsProperties,
            RunnersProperties properties,
            JobLedger ledger,
            GitHubRunnerApi github,
            KubernetesRunnerFleet fleet,
            RunnerEvents events,
            PoolStatusBoard board,
            RunnerMetrics metrics,
            Clock clock,
            List<RunnerLifecycleListener> listeners,
            NodeCapacity nodes) {
        poolsProperties.pools().forEach(p -> pools.put(p.name(), p));
        this.nodes = nodes == null ? NodeCapacity.NONE : nodes;
        this.listeners = new RunnerListeners(listeners);
        this.properties = properties;
        this.github = github;
        this.fleet = fleet;
        this.events = events;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = new ScalingPolicy(clock);
        this.names = new RunnerNames(properties.namePrefix());
        this.holds = new PoolHolds(properties.poolHoldInitial(), properties.poolHoldMax());
        this.calls = new GitHubCalls(github, holds, events, metrics, clock);
        this.listings = new GitHubRunnerListings(github, calls, properties, names);
        this.observer = new FleetObserver(
                ledger,
                fleet,
                listings,
                names,
                properties.onlineGrace(),
                this::creationHeldUntil,
                pool -> github.dryRun() ? null : calls.heldUntil(pool).orElse(null),
                this.nodes);
        this.registrar =
                new RunnerRegistrar(github, calls, fleet, names, properties.registrationGrace(), this.listeners, clock);
        this.retirement = new RunnerRetirement(github, calls, fleet, events, this.listeners, clock);
        this.sweep = new FleetSweep(github, calls, fleet, retirement, names);
        this.view = new RunnerOperatorView(pools.values(), observer, policy, board, holds, clock);
    }

    public Collection<String> poolNames() {
        return pools.keySet();
    }

    /** The configured pools and the pools no longer configured that still have pods (to be drained). */
    public Set<String> poolNamesWithPods() {
        Set<String> names = new LinkedHashSet<>(pools.keySet());
        for (String namespace : namespaces()) {
            names.addAll(fleet.poolsWithPods(namespace));
        }
        return names;
    }

    public Optional<Pool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    /** Namespaces whose runner pods this reconciler watches: the pools' and those to drain. */
    public Set<String> namespaces() {
        Set<String> namespaces = new LinkedHashSet<>();
        pools.values().forEach(p -> namespaces.add(p.namespace()));
        namespaces.addAll(properties.drainNamespaces());
        return namespaces;
    }

    /** Lets decisions read the namespace's runner pods from this informer's cache (see the fleet). */
    public void cachePods(String namespace, SharedIndexInformer<Pod> informer) {
        fleet.cachePods(namespace, informer);
    }

    public void dropPodCaches() {
        fleet.dropPodCaches();
    }

    /**
     * Lists GitHub's runners on {@code executor} instead of inside the pass, and calls {@code onArrival} when a
     * listing has arrived, so that a pass sweeps with it (see {@link GitHubRunnerListings}).
     */
    public void listGitHubOn(Executor executor, Runnable onArrival) {
        listings.listOn(executor, onArrival);
    }

    /** Lists GitHub's runners inside the pass again (the executor given before is going away). */
    public void listGitHubInPass() {
        listings.listInPass();
    }

    /** This replica stopped leading: its decisions and gauges are no longer the fleet's. */
    public void leadershipLost() {
        board.clear();
        nodes.leadershipLost();
    }

    /**
     * Reconciles the named pools (names of pools no longer configured are drained); returns when a pass is next
     * needed (sooner than the periodic resync), if ever.
     */
    public Optional<Instant> reconcile(Collection<String> poolNames, String passId) {
        Instant now = clock.instant();
        MDC.put("pass_id", passId);
        try {
            retirement.newPass();
            Demand demand = observer.readDemand();
            List<Pool> pass = fairOrder(poolNames);
            Instant requeue = null;

            // Observe GitHub once per scope of this pass, when due (one listing serves every pool of the scope).
            Map<String, Listing> fresh = new HashMap<>();
            for (Map.Entry<String, List<Pool>> scope : FleetSweep.byScope(pass).entrySet()) {
                GitHubScope key = scope.getValue().get(0).github();
                List<Pool> ofScope = poolsOfScope(key);
                boolean active = ofScope.stream().anyMatch(p -> active(p, demand));
                listings.refreshIfDue(key, ofScope, active, now).ifPresent(l -> fresh.put(key.key(), l));
                if (!github.dryRun() && !listings.listing(key)) {
                    requeue = earliest(requeue, listings.nextDue(key, active, now));
                }
            }

            // The pass's own reads of the API server (after the listing): one LIST of pods and of Secrets per namespace
            // when a synced pool or the sweep needs them, shared by all.
            ApiServerSnapshot apiServer = new ApiServerSnapshot(fleet);
            for (Pool pool : pass) {
                MDC.put("pool", pool.name());
                try {
                    ApiServerSnapshot synced = fresh.containsKey(pool.github().key()) ? apiServer : null;
                    Instant next =
                            metrics.reconcileTimer(pool.name()).record(() -> reconcilePool(pool, demand, synced));
                    requeue = earliest(requeue, next);
                } catch (KubernetesRunnerFleet.RefusedException e) {
                    requeue = earliest(requeue, refusedByKubernetes(pool, e));
                } catch (KubernetesClientException e) {
                    // The requeue is the retry for Kubernetes: no retry layer of our own.
                    log.warn("Kubernetes API error (HTTP {}), pass requeued: {}", e.getCode(), e.getMessage());
                    requeue = earliest(requeue, clock.instant().plus(ERROR_REQUEUE));
                } finally {
                    MDC.remove("pool");
                    lastServed.put(pool.name(), clock.instant());
                }
            }

            for (Map.Entry<String, Listing> listed : fresh.entrySet()) {
                List<Pool> ofScope = poolsOfScope(listed.getKey());
                sweep.sweepScope(ofScope.get(0).github(), listed.getValue(), ofScope, namespaces(), apiServer);
            }
            for (String removed : poolNames) {
                if (!pools.containsKey(removed)
                        && sweep.drain(removed, namespaces(), demand.busyRunnerNames(), clock.instant(), apiServer)) {
                    requeue = earliest(requeue, clock.instant().plus(properties.githubSyncInterval()));
                }
            }
            return Optional.ofNullable(requeue);
        } finally {
            MDC.remove("pass_id");
        }
    }

    /** @param synced the pass's reads of the API server when GitHub was listed for the pool's scope, else null */
    private Instant reconcilePool(Pool pool, Demand demand, ApiServerSnapshot synced) {
        Instant now = clock.instant();
        PoolObservation observed = observer.observe(pool, demand, now);
        ScalingDecision decision = policy.decide(observed.snapshot());
        RunnerLifecycleListener.PoolPass pass = new RunnerLifecycleListener.PoolPass(
                pool, observed.counts(), observed.pods(), observed.runners(), decision, now);
        Instant requeue;
        try {
            requeue = act(pool, observed, decision, synced, now);
        } catch (KubernetesRunnerFleet.RefusedException e) {
            // the pass saw the pool's demand and decided: a pool the API server refuses is what the stuck-demand
            // detector is for, so the listeners hear of it as of any other pass
            listeners.passed(pass);
            throw e;
        }
        board.update(view.status(observed, decision));
        listeners.passed(pass);
        return requeue;
    }

    /** The act step: ended pods out, new pods in, registration, busy runners marked, idle runners retired. */
    private Instant act(
            Pool pool, PoolObservation observed, ScalingDecision decision, ApiServerSnapshot synced, Instant now) {
        Instant requeue = null;

        // 1. Ended, stuck and offline pods free their slots; runners that never worked feed the back-off.
        for (String podName : decision.podsToDelete()) {
            Pod pod = observed.pod(podName);
            ObservedRunner runner = observed.runners().get(podName);
            if (decision.offlineRunners().contains(podName)) {
                retirement.retire(
                        pool,
                        pool.github(),
                        pod,
                        runner,
                        observed.listed().get(RunnerPods.runnerName(pod)),
                        "offline on GitHub for longer than " + properties.onlineGrace() + "; replaced",
                        "RunnerOffline");
                metrics.registrationFailure(pool.name(), "offline");
            } else {
                reportEnded(pool, pod, runner, decision);
                retirement.delete(pool, pod, runner);
            }
            registrar.forget(pool, podName);
        }
        FailureBackoff previous = backoff.getOrDefault(pool.name(), FailureBackoff.NONE);
        FailureBackoff next = !decision.registrationFailures().isEmpty()
                ? previous.afterFailures(
                        decision.registrationFailures().size(),
                        now,
                        properties.failureBackoffInitial(),
                        properties.failureBackoffMax())
                : decision.completedRunners().isEmpty() ? previous : previous.afterSuccess();
        backoff.put(pool.name(), next);
        if (decision.reason() == ScalingReason.FAILURE_BACKOFF
                || !decision.registrationFailures().isEmpty()) {
            requeue = earliest(requeue, next.heldUntil());
        }
        if (decision.reason() == ScalingReason.REGISTRATION_HELD) {
            requeue = earliest(requeue, observed.snapshot().registrationHeldUntil());
        }
        if (!decision.podsToDelete().isEmpty()) {
            requeue = earliest(requeue, now); // the freed slots are refilled by the next pass
        }

        // 2. Create the missing pods; a 409 means the slot is taken (another pass or replica): the cap holds.
        boolean dryRun = github.dryRun();
        List<Pod> created = new ArrayList<>();
        for (int slot : decision.slotsToCreate()) {
            Pod desired = RunnerPodFactory.desiredPod(
                    pool, slot, names.next(pool.name(), slot), dryRun, observed.placement());
            KubernetesRunnerFleet.CreatedPod result = fleet.createPod(desired);
            if (result.outcome() == KubernetesRunnerFleet.Outcome.CREATED) {
                Pod pod = result.pod().orElseThrow();
                created.add(pod);
                listeners.created(pool, pod, now);
                if (dryRun) {
                    log.info(
                            "GitHub dry-run (no credentials): runner pod {} created, registration SKIPPED",
                            RunnerPods.name(pod));
                } else {
                    registrar.created(pool, pod);
                }
            } else {
                log.debug("slot {} of {} already taken", slot, pool.name());
            }
        }
        holds.last(pool.name())
                .filter(h -> h.reason().startsWith("kubernetes_"))
                .ifPresent(h -> {
                    if (!created.isEmpty()) {
                        holds.clear(pool.name()); // the API server takes the pool's pods again
                    }
                });
        metrics.scaleEvents(pool.name(), ScalingDirection.UP, decision.reason(), created.size());
        for (Pod pod : created) {
            events.record(
                    pod,
                    RunnerEvents.NORMAL,
                    "ScaleUp",
                    "runner created: " + decision.reason().wire() + " (desired " + decision.desired() + ")");
        }
        if (!created.isEmpty()) {
            log.info(
                    "created {} runner pod(s): {} (desired {}, active {})",
                    created.size(),
                    decision.reason().wire(),
                    decision.desired(),
                    decision.active());
        }

        // 3. Register: the new pods first (the latency that matters), then those whose registration is overdue.
        if (!dryRun && calls.heldUntil(pool).isEmpty()) {
            // a pod bound to a node going away is replaced below, not registered again
            List<Pod> staying = observed.pods().stream()
                    .filter(p -> !decision.podsToReplace().contains(RunnerPods.name(p)))
                    .toList();
            boolean go = registrar.register(pool, created)
                    && registrar.registerAbandoned(pool, staying, observed.runners(), now);
            if (go && synced != null) {
                registrar.registerLostSecrets(pool, synced);
            }
        }
        // Create only what can be registered: the pass learnt only now that GitHub holds the pool or its credential
        // (the call that told it was this registration, or a listing that failed meanwhile on its own thread). The new
        // pods it could not register would wait for a Secret until the pending timeout, and with Karpenter perhaps buy
        // a node: they go at once, and the pool's decision says registration_held until the hold ends.
        if (!dryRun && !created.isEmpty() && calls.heldUntil(pool).isPresent()) {
            for (Pod pod : List.copyOf(created)) {
                if (registrar.awaiting(pool, pod)) {
                    retirement.delete(pool, pod, RunnerPods.observe(pod, false, false, now));
                    registrar.forget(pool, RunnerPods.name(pod));
                    created.remove(pod);
                    log.info(
                            "runner pod {} not registrable while GitHub holds the pool; deleted", RunnerPods.name(pod));
                }
            }
            requeue = earliest(requeue, calls.heldUntil(pool).orElse(null));
        }
        if (registrar.anyAwaiting()) {
            requeue = earliest(requeue, now.plus(ERROR_REQUEUE));
        }

        // 4. Misplaced runners move: idle ones on nodes going away and pods waiting for capacity no longer asked for
        // are
        //    retired GitHub first (their replacements were created above, placed as the pool wants them now); busy
        //    ones finish what they can.
        Set<String> gone = new java.util.HashSet<>(decision.podsToDelete());
        for (String podName : decision.podsToReplace()) {
            Pod pod = observed.pod(podName);
            Optional<String> node = RunnerPods.nodeName(pod);
            String why = node.isPresent()
                    ? "node " + node.get() + " is going away ("
                            + observed.placement().noticedNodes().getOrDefault(node.get(), "notice")
                            + "); replaced elsewhere"
                    : "waits for capacity new pods no longer ask for (now "
                            + observed.placement().nodeSelector() + "); replaced";
            RunnerRetirement.Outcome outcome = retirement.retire(
                    pool,
                    pool.github(),
                    pod,
                    observed.runners().get(podName),
                    observed.listed().get(RunnerPods.runnerName(pod)),
                    why,
                    "RunnerMoved");
            if (outcome == RunnerRetirement.Outcome.RETIRED) {
                gone.add(podName);
                registrar.forget(pool, podName);
            } else if (outcome == RunnerRetirement.Outcome.HELD) {
                break;
            }
        }

        // 5. The pool's nodes: a turn of its capacity provider (after the pods it must find room for were created) and
        //    the notices of nodes holding its runners recorded (their busy runners' jobs as interrupted).
        List<Pod> podsNow = new ArrayList<>();
        Map<String, ObservedRunner> runnersNow = new LinkedHashMap<>();
        for (Pod pod : observed.pods()) {
            if (!gone.contains(RunnerPods.name(pod))) {
                podsNow.add(pod);
                runnersNow.put(RunnerPods.name(pod), observed.runners().get(RunnerPods.name(pod)));
            }
        }
        for (Pod pod : created) {
            podsNow.add(pod);
            runnersNow.put(RunnerPods.name(pod), RunnerPods.observe(pod, false, false, now));
        }
        NodeCapacity.Outcome turn = nodes.act(pool, observed.placement(), podsNow, runnersNow, now);
        turn.events().forEach(e -> events.recordForPool(pool.name(), e.type(), e.reason(), e.message()));
        requeue = earliest(requeue, turn.requeueAt());

        // 6. Busy runners are marked (sticky: an ephemeral runner never goes back to idle; Karpenter keeps its node).
        for (Pod pod : observed.pods()) {
            ObservedRunner runner = observed.runners().get(RunnerPods.name(pod));
            if (runner.state() == RunnerState.BUSY && !RunnerPods.tookJobMarked(pod)) {
                retirement.markBusy(pod);
            }
        }

        // 7. Scale down: idle runners past the idle timeout, GitHub first.
        int retired = 0;
        for (String podName : decision.podsToRetire()) {
            Pod pod = observed.pod(podName);
            RunnerRetirement.Outcome outcome = retirement.retire(
                    pool,
                    pool.github(),
                    pod,
                    observed.runners().get(podName),
                    observed.listed().get(RunnerPods.runnerName(pod)),
                    "idle past " + pool.idleTimeout() + "; removed",
                    "ScaleDown");
            if (outcome == RunnerRetirement.Outcome.RETIRED) {
                retired++;
            } else if (outcome == RunnerRetirement.Outcome.HELD) {
                break;
            }
        }
        metrics.scaleEvents(pool.name(), ScalingDirection.DOWN, ScalingReason.IDLE_TIMEOUT, retired);

        requeue = earliest(requeue, calls.heldUntil(pool).orElse(null)); // the hold's end resumes the pool's work
        return earliest(requeue, nextTimeout(pool, observed, decision));
    }

    /** An ended runner, as the operator needs to hear of it: Event, log line and metric by what ended it. */
    private void reportEnded(Pool pool, Pod pod, ObservedRunner runner, ScalingDecision decision) {
        String podName = runner.podName();
        RunnerExit exit = runner.exit();
        String how = exit == null ? "ended" : exit.describe();
        if (decision.registrationFailures().contains(podName)) {
            String reason =
                    exit == null ? "exited" : exit.oomKilled() ? "oom_killed" : exit.evicted() ? "evicted" : "exited";
            metrics.registrationFailure(pool.name(), reason);
            events.record(
                    pod,
                    RunnerEvents.WARNING,
                    "RunnerRegistrationFailed",
                    "runner exited without taking a job (" + how + "): registration refused, runner deleted on"
                            + " GitHub, session conflict or a deprecated version; new runners wait (back-off)");
            log.warn("runner pod {} exited without taking a job ({}); creation backs off", podName, how);
        } else if (decision.jobFailures().contains(podName)) {
            events.record(pod, RunnerEvents.WARNING, "RunnerJobEndedBadly", "runner ended after its job: " + how);
            log.warn("runner pod {} ended after its job: {}", podName, how);
        } else if (runner.state() == RunnerState.PENDING) {
            events.record(
                    pod,
                    RunnerEvents.WARNING,
                    "RunnerPendingTimeout",
                    "pending longer than " + pool.pendingTimeout() + "; replaced");
            log.warn("runner pod {} pending past {}; replacing it", podName, pool.pendingTimeout());
        }
    }

    /** The API server refused the pool's objects (RBAC, a missing namespace, an invalid spec): only it waits. */
    private Instant refusedByKubernetes(Pool pool, KubernetesRunnerFleet.RefusedException e) {
        String reason = switch (e.code()) {
            case 403 -> "kubernetes_forbidden";
            case 404 -> "kubernetes_not_found";
            default -> "kubernetes_invalid";
        };
        calls.refused(
                pool, reason, "the API server refused the pool's objects (HTTP " + e.code() + "): " + e.getMessage());
        return holds.active(pool.name(), clock.instant())
                .map(PoolHolds.Hold::until)
                .orElse(null);
    }

    /** Creation waits for the failure back-off and for a pool the API server refuses. */
    private Instant creationHeldUntil(Pool pool) {
        Instant backedOff =
                backoff.getOrDefault(pool.name(), FailureBackoff.NONE).heldUntil();
        Instant refused = holds.active(pool.name(), clock.instant())
                .filter(h -> h.reason().startsWith("kubernetes_"))
                .map(PoolHolds.Hold::until)
                .orElse(null);
        return latest(backedOff, refused);
    }

    /** A pool with pods, jobs or registrations outstanding needs GitHub's view at the fast pace. */
    private boolean active(Pool pool, Demand demand) {
        var counts = demand.counts(pool.name());
        return counts.queued() > 0
                || counts.inProgress() > 0
                || !fleet.observedPods(pool).isEmpty()
                || registrar.anyAwaiting();
    }

    private List<Pool> poolsOfScope(GitHubScope scope) {
        return poolsOfScope(scope.key());
    }

    private List<Pool> poolsOfScope(String key) {
        return pools.values().stream().filter(p -> p.github().key().equals(key)).toList();
    }

    /** The configured pools among those named, least recently served first (never served before all others). */
    private List<Pool> fairOrder(Collection<String> names) {
        return names.stream()
                .map(pools::get)
                .filter(p -> p != null)
                .distinct()
                .sorted(Comparator.comparing((Pool p) -> lastServed.getOrDefault(p.name(), Instant.MIN))
                        .thenComparing(Pool::name))
                .toList();
    }

    /** When a pending pod times out, an idle one may be retired or an offline one replaced. */
    private static Instant nextTimeout(Pool pool, PoolObservation observed, ScalingDecision decision) {
        Instant next = null;
        for (ObservedRunner runner : observed.runners().values()) {
            if (runner.state() == RunnerState.PENDING) {
                next = earliest(next, runner.since().plus(pool.pendingTimeout()));
            } else if (runner.state() == RunnerState.IDLE && decision.active() > decision.desired()) {
                next = earliest(next, runner.since().plus(pool.idleTimeout()));
            }
            if (runner.state() == RunnerState.IDLE && runner.offlineSince() != null) {
                Instant from = runner.offlineSince().isAfter(runner.since()) ? runner.offlineSince() : runner.since();
                next = earliest(next, from.plus(observed.snapshot().limits().onlineGrace()));
            }
        }
        return next;
    }

    /** The operator's view of the pools and runners, read live on any replica. */
    public RunnerOperatorView operatorView() {
        return view;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isAfter(b) ? a : b;
    }
}
