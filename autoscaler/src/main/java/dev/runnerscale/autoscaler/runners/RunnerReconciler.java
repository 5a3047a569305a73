package dev.runnerscale.autoscaler.runners;

import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.DO_NOT_DISRUPT_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.REGISTRATION_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_ID_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.RUNNER_NAME_ANNOTATION;
import static dev.runnerscale.autoscaler.runners.RunnerPodFactory.SLOT_LABEL;

import dev.runnerscale.autoscaler.github.GitHubRateLimitedException;
import dev.runnerscale.autoscaler.github.GitHubRejectedException;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.JitRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RunnerRemoval;
import dev.runnerscale.autoscaler.github.GitHubUnavailableException;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.FailureBackoff;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.PoolLimits;
import dev.runnerscale.autoscaler.scaling.PoolSnapshot;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import dev.runnerscale.autoscaler.scaling.ScalingDecision;
import dev.runnerscale.autoscaler.scaling.ScalingDirection;
import dev.runnerscale.autoscaler.scaling.ScalingPolicy;
import dev.runnerscale.autoscaler.scaling.ScalingReason;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile pass per pool: observe (pods, ledger, GitHub's busy flags), decide with the pure
 * {@link ScalingPolicy}, and converge. Level-based: nothing depends on the event that triggered the pass, so a
 * repeated or concurrent pass does no harm — the slot-named pods make the API server refuse anything over the cap.
 *
 * <p>Order inside a pass: delete terminal and stuck pods; create missing pods (the create is the latency that
 * matters); register the new pods with GitHub (JIT config into a Secret owned by the pod); then the GitHub-side work
 * (busy flags, scale-down, orphans), which waits while GitHub is unavailable or rate-limited and never blocks
 * scale-up.
 */
public class RunnerReconciler {

    private static final Logger log = LoggerFactory.getLogger(RunnerReconciler.class);
    private static final Duration UNAVAILABLE_HOLD = Duration.ofSeconds(2);
    private static final Duration ERROR_REQUEUE = Duration.ofSeconds(1);
    static final String UNREGISTERED = "unregistered";
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final RunnersProperties properties;
    private final JobLedger ledger;
    private final GitHubRunnerApi github;
    private final KubernetesRunnerFleet fleet;
    private final RunnerEvents events;
    private final PoolStatusBoard board;
    private final RunnerMetrics metrics;
    private final Clock clock;
    private final ScalingPolicy policy;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, FailureBackoff> backoff = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> githubBusy = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastGithubSync = new ConcurrentHashMap<>();
    private final Set<String> awaitingRegistration = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, Instant>> sightings = new ConcurrentHashMap<>();
    private volatile Instant githubHeldUntil = Instant.MIN;

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
        poolsProperties.pools().forEach(p -> pools.put(p.name(), p));
        this.properties = properties;
        this.ledger = ledger;
        this.github = github;
        this.fleet = fleet;
        this.events = events;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = new ScalingPolicy(clock);
    }

    public Collection<String> poolNames() {
        return pools.keySet();
    }

    /** Lets decisions read the namespace's runner pods from this informer's cache (see the fleet). */
    public void cachePods(String namespace, SharedIndexInformer<Pod> informer) {
        fleet.cachePods(namespace, informer);
    }

    public void dropPodCaches() {
        fleet.dropPodCaches();
    }

    public Optional<Pool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    /** Reconciles the named pools; returns when a pass is next needed (sooner than the periodic resync), if ever. */
    public Optional<Instant> reconcile(Collection<String> poolNames, String passId) {
        Instant now = clock.instant();
        Demand demand = readDemand();
        Map<String, PoolJobCounts> counts = demand.counts();
        Set<String> ledgerBusy = demand.busyRunnerNames();
        Instant requeue = null;
        for (String name : poolNames) {
            Pool pool = pools.get(name);
            if (pool == null) {
                continue; // a job of a pool that is no longer configured
            }
            MDC.put("pool", name);
            MDC.put("pass_id", passId);
            try {
                Instant next = metrics.reconcileTimer()
                        .record(() ->
                                reconcilePool(pool, counts.getOrDefault(name, PoolJobCounts.empty(name)), ledgerBusy));
                requeue = earliest(requeue, next);
            } catch (KubernetesClientException e) {
                // The requeue is the retry for Kubernetes: no retry layer of our own.
                log.warn("Kubernetes API error (HTTP {}), pass requeued: {}", e.getCode(), e.getMessage());
                requeue = earliest(requeue, clock.instant().plus(ERROR_REQUEUE));
            } finally {
                MDC.remove("pool");
                MDC.remove("pass_id");
            }
        }
        return Optional.ofNullable(requeue);
    }

    /** The pool as it is now (read-only): used by the pass and by the operator view on any replica. */
    public Observation observe(Pool pool) {
        Instant now = clock.instant();
        Demand demand = readDemand();
        PoolJobCounts counts = demand.counts().getOrDefault(pool.name(), PoolJobCounts.empty(pool.name()));
        return observe(pool, counts, demand.busyRunnerNames(), now);
    }

    /** The ledger's demand: per-pool counts and the runner names of in-progress jobs. */
    private record Demand(Map<String, PoolJobCounts> counts, Set<String> busyRunnerNames) {}

    /**
     * Busy runner names first (GitHub's busy flag may lag the webhook, or lead it, so the ledger's own count too),
     * then the counts. They are two reads, and a job that moved from queued to in_progress between them would
     * otherwise count twice, as queued demand and as the busy runner serving it (a spare pod). In this order a busy
     * name's job was in progress before the counts were read, and a job never moves back to queued.
     */
    private Demand readDemand() {
        Set<String> busyRunnerNames = ledger.busyRunnerNames();
        return new Demand(ledger.countsByPool(), busyRunnerNames);
    }

    /** A pool's pods, what each is doing, and what the policy would decide now. */
    public record Observation(
            Pool pool,
            PoolJobCounts counts,
            List<Pod> pods,
            Map<String, ObservedRunner> runners,
            ScalingDecision decision) {}

    private Observation observe(Pool pool, PoolJobCounts counts, Set<String> ledgerBusy, Instant now) {
        List<Pod> pods = fleet.observedPods(pool);
        Set<String> busy = new HashSet<>(ledgerBusy);
        busy.addAll(githubBusy.getOrDefault(pool.name(), Set.of()));
        // Runners GitHub reports busy while the ledger has not heard in_progress yet: GitHub assigned each a job the
        // ledger still holds as queued, so that job is no longer demand for another runner (else a spare is made).
        Set<String> aheadOfLedger = new HashSet<>(githubBusy.getOrDefault(pool.name(), Set.of()));
        aheadOfLedger.removeAll(ledgerBusy);
        long takenFromQueue = 0;
        Map<String, ObservedRunner> runners = new LinkedHashMap<>();
        Map<String, Instant> seen = sightings.computeIfAbsent(pool.name(), p -> new ConcurrentHashMap<>());
        Set<String> present = new HashSet<>();
        for (Pod pod : pods) {
            ObservedRunner observed = classify(pod, busy, now);
            if (observed.state() == RunnerState.BUSY
                    && aheadOfLedger.contains(annotation(pod, RUNNER_NAME_ANNOTATION))) {
                takenFromQueue++;
            }
            // A state lasts since the later of the server's timestamp and our first sighting of it: the server's
            // clock is not ours, and a pod must never be replaced or retired early because of clock skew (after a
            // restart the timers start again, which errs on the side of keeping the pod).
            String key = pod.getMetadata().getUid() + "/" + observed.state();
            present.add(key);
            Instant first = seen.computeIfAbsent(key, k -> now);
            if (first.isAfter(observed.since())) {
                observed = new ObservedRunner(observed.podName(), observed.slot(), observed.state(), first);
            }
            runners.put(pod.getMetadata().getName(), observed);
        }
        seen.keySet().retainAll(present);
        PoolSnapshot snapshot = new PoolSnapshot(
                limits(pool),
                Math.max(0, counts.queued() - takenFromQueue),
                counts.inProgress(),
                List.copyOf(runners.values()),
                backoff.getOrDefault(pool.name(), FailureBackoff.NONE).heldUntil());
        return new Observation(pool, counts, pods, runners, policy.decide(snapshot));
    }

    /** The pool now, with the last decision a pass of this replica applied (none on a follower). */
    public PoolStatus statusNow(Pool pool) {
        PoolStatus live = status(observe(pool));
        return new PoolStatus(
                live.name(),
                live.desired(),
                live.pending(),
                live.idle(),
                live.busy(),
                live.unregistered(),
                live.failed(),
                live.queued(),
                live.inProgress(),
                live.min(),
                live.max(),
                board.last(pool.name()).map(PoolStatus::lastDecision).orElse(null));
    }

    /** Every runner pod of every pool, as the operator sees it now. */
    public List<RunnerView> runnersNow() {
        Instant now = clock.instant();
        Set<String> busy = ledger.busyRunnerNames();
        List<RunnerView> views = new ArrayList<>();
        for (Pool pool : pools.values()) {
            Set<String> poolBusy = new HashSet<>(busy);
            poolBusy.addAll(githubBusy.getOrDefault(pool.name(), Set.of()));
            for (Pod pod : fleet.observedPods(pool)) {
                ObservedRunner runner = classify(pod, poolBusy, now);
                String id = annotation(pod, RUNNER_ID_ANNOTATION);
                Instant created = instant(pod.getMetadata().getCreationTimestamp(), now);
                views.add(new RunnerView(
                        pool.name(),
                        pod.getMetadata().getName(),
                        id == null ? null : parseLong(id),
                        annotation(pod, RUNNER_NAME_ANNOTATION),
                        viewState(runner.state(), id != null),
                        Math.max(0, Duration.between(created, now).toSeconds())));
            }
        }
        return views;
    }

    private static String viewState(RunnerState state, boolean hasGitHubRunner) {
        // A succeeded pod is about to be deleted: to the operator it is terminating.
        if (state == RunnerState.SUCCEEDED) {
            return "terminating";
        }
        // Idle and busy are GitHub's words for a registered runner: a running pod GitHub does not know (dry run,
        // or registration not done yet) must not look like one.
        if (runsUnregistered(state, hasGitHubRunner)) {
            return UNREGISTERED;
        }
        return state.wire();
    }

    /** A running pod without a GitHub runner id: capacity for the policy, never a registered runner for the operator. */
    private static boolean runsUnregistered(RunnerState state, boolean hasGitHubRunner) {
        return (state == RunnerState.IDLE || state == RunnerState.BUSY) && !hasGitHubRunner;
    }

    private static Long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static PoolLimits limits(Pool pool) {
        return new PoolLimits(pool.name(), pool.minIdle(), pool.max(), pool.idleTimeout(), pool.pendingTimeout());
    }

    private Instant reconcilePool(Pool pool, PoolJobCounts counts, Set<String> ledgerBusy) {
        Instant now = clock.instant();
        Observation observation = observe(pool, counts, ledgerBusy, now);
        ScalingDecision decision = observation.decision();
        Map<String, Pod> podsByName = observation.pods().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
        Instant requeue = null;

        // 1. Terminal and stuck pods free their slots; failed ones feed the back-off.
        for (String podName : decision.podsToDelete()) {
            Pod pod = podsByName.get(podName);
            ObservedRunner runner = observation.runners().get(podName);
            if (runner.state() == RunnerState.FAILED) {
                events.record(pod, RunnerEvents.WARNING, "RunnerFailed", "runner pod failed; replaced with back-off");
                log.warn("runner pod {} failed; deleting it, it does not count as capacity", podName);
            } else if (runner.state() == RunnerState.PENDING) {
                events.record(
                        pod,
                        RunnerEvents.WARNING,
                        "RunnerPendingTimeout",
                        "pending longer than " + pool.pendingTimeout() + "; replaced");
                log.warn("runner pod {} pending past {}; replacing it", podName, pool.pendingTimeout());
            }
            fleet.deleteRunner(pod);
            awaitingRegistration.remove(key(pool, podName));
        }
        FailureBackoff previous = backoff.getOrDefault(pool.name(), FailureBackoff.NONE);
        FailureBackoff next = !decision.failedPods().isEmpty()
                ? previous.afterFailures(
                        decision.failedPods().size(),
                        now,
                        properties.failureBackoffInitial(),
                        properties.failureBackoffMax())
                : decision.succeededPods().isEmpty() ? previous : previous.afterSuccess();
        backoff.put(pool.name(), next);
        if (decision.reason() == ScalingReason.FAILURE_BACKOFF
                || !decision.failedPods().isEmpty()) {
            requeue = earliest(requeue, next.heldUntil());
        }
        if (!decision.podsToDelete().isEmpty()) {
            requeue = earliest(requeue, now); // the freed slots are refilled by the next pass
        }

        // 2. Create the missing pods; a 409 means the slot is taken (another pass or replica): the cap holds.
        boolean dryRun = github.dryRun();
        List<Pod> created = new ArrayList<>();
        for (int slot : decision.slotsToCreate()) {
            String runnerName = runnerName(pool, slot);
            Pod desired = RunnerPodFactory.desiredPod(pool, slot, runnerName, dryRun);
            KubernetesRunnerFleet.CreatedPod result = fleet.createPod(desired);
            if (result.outcome() == KubernetesRunnerFleet.Outcome.CREATED) {
                Pod pod = result.pod().orElseThrow();
                created.add(pod);
                if (dryRun) {
                    log.info(
                            "GitHub dry-run (no credentials): runner pod {} created, registration SKIPPED",
                            pod.getMetadata().getName());
                } else {
                    awaitingRegistration.add(key(pool, pod.getMetadata().getName()));
                }
            } else {
                log.debug("slot {} of {} already taken", slot, pool.name());
            }
        }
        metrics.scaleEvents(pool.name(), ScalingDirection.UP, decision.reason(), created.size());

        // 3. Register the new pods: JIT config into a Secret the pod mounts.
        if (!dryRun) {
            for (Pod pod : created) {
                if (!register(pool, pod, now)) {
                    break;
                }
            }
        }
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

        // 4. GitHub-side work: busy flags, retries of registration, scale-down, orphans.
        if (dryRun) {
            retireUnregistered(pool, decision, podsByName);
        } else {
            requeue = earliest(requeue, githubWork(pool, decision, observation, now));
        }
        if (!awaitingRegistration.isEmpty()) {
            requeue = earliest(requeue, now.plus(ERROR_REQUEUE));
        }
        requeue = earliest(requeue, nextTimeout(pool, observation));

        board.update(status(observation));
        return requeue;
    }

    /** Registers a pod with GitHub; false when GitHub is unavailable (the rest waits for a later pass). */
    private boolean register(Pool pool, Pod pod, Instant now) {
        if (now.isBefore(githubHeldUntil)) {
            return false;
        }
        String podName = pod.getMetadata().getName();
        String runnerName = pod.getMetadata().getAnnotations().get(RUNNER_NAME_ANNOTATION);
        Optional<JitRunner> registered =
                callGitHub(() -> github.createJitRunner(pool.github(), runnerName, pool.labels()));
        if (registered.isEmpty()) {
            return false;
        }
        JitRunner jit = registered.get();
        fleet.createSecret(RunnerPodFactory.desiredSecret(pool, pod, jit.encodedJitConfig()));
        fleet.annotate(pod, Map.of(RUNNER_ID_ANNOTATION, Long.toString(jit.runnerId())));
        awaitingRegistration.remove(key(pool, podName));
        log.debug("runner {} registered as GitHub runner {}", podName, jit.runnerId());
        return true;
    }

    /**
     * One GitHub call of the pass. On a rate limit or an outage all GitHub work of this loop is held (until
     * {@code retryAt}, or for {@code UNAVAILABLE_HOLD}) and empty is returned: a later pass redoes it, the only retry.
     */
    private <T> Optional<T> callGitHub(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (GitHubRateLimitedException e) {
            holdGitHub(e.retryAt(), "rate-limited", e);
        } catch (GitHubUnavailableException | GitHubRejectedException e) {
            // A rejection is no longer an outage (it concerns one pool); held as before until the per-pool hold.
            holdGitHub(clock.instant().plus(UNAVAILABLE_HOLD), "unavailable", e);
        }
        return Optional.empty();
    }

    private void holdGitHub(Instant until, String why, RuntimeException e) {
        if (until != null && until.isAfter(githubHeldUntil)) {
            githubHeldUntil = until;
        }
        log.warn("GitHub {}: GitHub work skipped until {} ({})", why, githubHeldUntil, e.getMessage());
    }

    private Instant githubWork(Pool pool, ScalingDecision decision, Observation observation, Instant now) {
        if (now.isBefore(githubHeldUntil)) {
            return githubHeldUntil;
        }
        // Pending pods without a registration: ours whose registration failed, or another replica's after a grace.
        for (Pod pod : observation.pods()) {
            ObservedRunner runner = observation.runners().get(pod.getMetadata().getName());
            if (runner.state() == RunnerState.PENDING
                    && !registered(pod)
                    && !decision.podsToDelete().contains(runner.podName())) {
                boolean ours = awaitingRegistration.contains(key(pool, runner.podName()));
                boolean abandoned =
                        !runner.since().plus(properties.registrationGrace()).isAfter(now);
                if (ours || abandoned) {
                    // A fresh name: the old one may be half-registered; the orphan sweep removes it.
                    String fresh = runnerName(pool, runner.slot());
                    fleet.annotate(pod, Map.of(RUNNER_NAME_ANNOTATION, fresh));
                    // a copy: the observed pod may be the informer cache's own object
                    Pod renamed = new PodBuilder(pod)
                            .editMetadata()
                            .addToAnnotations(RUNNER_NAME_ANNOTATION, fresh)
                            .endMetadata()
                            .build();
                    awaitingRegistration.add(key(pool, runner.podName()));
                    if (!register(pool, renamed, now)) {
                        return githubHeldUntil;
                    }
                }
            }
        }

        Instant last = lastGithubSync.get(pool.name());
        boolean due = !decision.podsToRetire().isEmpty()
                || last == null
                || !last.plus(properties.githubSyncInterval()).isAfter(now);
        if (!due) {
            return last.plus(properties.githubSyncInterval());
        }
        Optional<List<RegisteredRunner>> listing = callGitHub(() -> github.listRunners(pool.github()));
        if (listing.isEmpty()) {
            return githubHeldUntil;
        }
        List<RegisteredRunner> listed = listing.get();
        lastGithubSync.put(pool.name(), now);
        String prefix = properties.namePrefix() + pool.name() + "-";
        List<RegisteredRunner> ours =
                listed.stream().filter(r -> r.name().startsWith(prefix)).toList();
        Set<String> busyNames = ours.stream()
                .filter(RegisteredRunner::busy)
                .map(RegisteredRunner::name)
                .collect(Collectors.toSet());
        githubBusy.put(pool.name(), busyNames);

        // Listed after GitHub's runners (and Secrets after those): anything GitHub or a Secret knows was created after
        // its pod, so a runner or Secret without a pod here is a true orphan, not one a concurrent pass just made.
        List<Secret> secrets = fleet.secrets(pool);
        List<Pod> pods = fleet.pods(pool);
        Map<String, Pod> byRunnerName = new HashMap<>();
        Map<String, Pod> byPodName = new HashMap<>();
        for (Pod pod : pods) {
            byPodName.put(pod.getMetadata().getName(), pod);
            String name = annotation(pod, RUNNER_NAME_ANNOTATION);
            if (name != null) {
                byRunnerName.put(name, pod);
            }
        }
        Map<String, RegisteredRunner> runnersByName =
                ours.stream().collect(Collectors.toMap(RegisteredRunner::name, Function.identity(), (a, b) -> a));

        Set<String> secretNames =
                secrets.stream().map(x -> x.getMetadata().getName()).collect(Collectors.toSet());
        for (Pod pod : pods) {
            // A registered pod still waiting for its Secret that no longer exists (deleted by hand, or lost to a
            // race with a reused slot): it can never start, so it is registered again under a fresh name.
            String secretName = RunnerPodFactory.secretName(pod.getMetadata().getName());
            if (annotation(pod, RUNNER_ID_ANNOTATION) != null
                    && pending(pod)
                    && !secretNames.contains(secretName)
                    && !fleet.secretExists(pool.namespace(), secretName)) {
                log.warn(
                        "runner pod {} lost its JIT Secret; registering it again",
                        pod.getMetadata().getName());
                String fresh = runnerName(pool, slot(pod));
                fleet.annotate(pod, Map.of(RUNNER_NAME_ANNOTATION, fresh));
                pod.getMetadata().getAnnotations().put(RUNNER_NAME_ANNOTATION, fresh);
                if (!register(pool, pod, now)) {
                    return githubHeldUntil;
                }
            }
        }
        for (Pod pod : pods) {
            String name = annotation(pod, RUNNER_NAME_ANNOTATION);
            if (name != null && busyNames.contains(name) && pod.getMetadata().getDeletionTimestamp() == null) {
                // Karpenter must not consolidate a node under a running job.
                fleet.annotate(pod, Map.of(DO_NOT_DISRUPT_ANNOTATION, "true"));
            }
        }

        int retired = 0;
        for (String podName : decision.podsToRetire()) {
            Pod pod = byPodName.get(podName);
            if (pod == null) {
                continue;
            }
            String runnerName = annotation(pod, RUNNER_NAME_ANNOTATION);
            if (busyNames.contains(runnerName)) {
                continue; // took a job since the decision
            }
            Long runnerId = runnerId(pod, runnersByName.get(runnerName));
            if (runnerId != null) {
                Optional<RunnerRemoval> removal = callGitHub(() -> github.removeRunner(pool.github(), runnerId));
                if (removal.isEmpty()) {
                    return githubHeldUntil;
                }
                if (removal.get() == RunnerRemoval.BUSY) {
                    // GitHub is the authority: it assigned a job we have not heard of yet. Keep the pod.
                    events.record(pod, RunnerEvents.NORMAL, "ScaleDownRefused", "GitHub reports the runner busy");
                    fleet.annotate(pod, Map.of(DO_NOT_DISRUPT_ANNOTATION, "true"));
                    log.info("scale-down of {} refused: GitHub reports runner {} busy", podName, runnerId);
                    continue;
                }
            }
            events.record(pod, RunnerEvents.NORMAL, "ScaleDown", "idle past " + pool.idleTimeout() + "; removed");
            fleet.deleteRunner(pod);
            retired++;
            log.info("retired idle runner {} (GitHub runner {})", podName, runnerId);
        }
        metrics.scaleEvents(pool.name(), ScalingDirection.DOWN, ScalingReason.IDLE_TIMEOUT, retired);

        for (RegisteredRunner runner : ours) {
            if (!byRunnerName.containsKey(runner.name()) && !runner.busy()) {
                Optional<RunnerRemoval> removal = callGitHub(() -> github.removeRunner(pool.github(), runner.id()));
                if (removal.isEmpty()) {
                    return githubHeldUntil;
                }
                log.info("orphan GitHub runner {} ({}) with no pod: {}", runner.name(), runner.id(), removal.get());
            }
        }
        for (Secret secret : secrets) {
            String name = secret.getMetadata().getName();
            String podName = name.endsWith("-jit") ? name.substring(0, name.length() - 4) : name;
            if (!byPodName.containsKey(podName)
                    && fleet.deleteOrphanSecret(secret) == KubernetesRunnerFleet.Outcome.DELETED) {
                log.info("deleted orphan Secret {}", name);
            }
        }
        return now.plus(properties.githubSyncInterval());
    }

    /** Dry-run: nothing is registered, so an idle runner to retire can be deleted without asking GitHub. */
    private void retireUnregistered(Pool pool, ScalingDecision decision, Map<String, Pod> podsByName) {
        int retired = 0;
        for (String podName : decision.podsToRetire()) {
            Pod pod = podsByName.get(podName);
            if (pod != null && !registered(pod)) {
                fleet.deleteRunner(pod);
                retired++;
            }
        }
        metrics.scaleEvents(pool.name(), ScalingDirection.DOWN, ScalingReason.IDLE_TIMEOUT, retired);
    }

    /** When a pending pod times out or an idle one may be retired, so the pass happens then, not at the resync. */
    private static Instant nextTimeout(Pool pool, Observation observation) {
        Instant next = null;
        for (ObservedRunner runner : observation.runners().values()) {
            if (runner.state() == RunnerState.PENDING) {
                next = earliest(next, runner.since().plus(pool.pendingTimeout()));
            } else if (runner.state() == RunnerState.IDLE
                    && observation.decision().active() > observation.decision().desired()) {
                next = earliest(next, runner.since().plus(pool.idleTimeout()));
            }
        }
        return next;
    }

    private PoolStatus status(Observation observation) {
        ScalingDecision d = observation.decision();
        Pool pool = observation.pool();
        // Counted as the operator sees them: registered (idle, busy) only with a GitHub runner id.
        Map<String, Long> byState = new HashMap<>();
        for (Pod pod : observation.pods()) {
            ObservedRunner runner = observation.runners().get(pod.getMetadata().getName());
            if (runner != null) {
                byState.merge(viewState(runner.state(), annotation(pod, RUNNER_ID_ANNOTATION) != null), 1L, Long::sum);
            }
        }
        return new PoolStatus(
                pool.name(),
                d.desired(),
                byState.getOrDefault(RunnerState.PENDING.wire(), 0L),
                byState.getOrDefault(RunnerState.IDLE.wire(), 0L),
                byState.getOrDefault(RunnerState.BUSY.wire(), 0L),
                byState.getOrDefault(UNREGISTERED, 0L),
                byState.getOrDefault(RunnerState.FAILED.wire(), 0L),
                observation.counts().queued(),
                observation.counts().inProgress(),
                pool.minIdle(),
                pool.max(),
                new PoolStatus.LastDecision(
                        d.desired(), d.direction().wire(), d.reason().wire(), d.at()));
    }

    static ObservedRunner classify(Pod pod, Set<String> busyRunnerNames, Instant now) {
        String name = pod.getMetadata().getName();
        int slot = slot(pod);
        Instant created = instant(pod.getMetadata().getCreationTimestamp(), now);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return new ObservedRunner(name, slot, RunnerState.TERMINATING, created);
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            return new ObservedRunner(name, slot, RunnerState.SUCCEEDED, created);
        }
        if ("Failed".equals(phase)) {
            return new ObservedRunner(name, slot, RunnerState.FAILED, created);
        }
        if ("Running".equals(phase)) {
            Instant started = startedAt(pod, created, now);
            boolean busy = busyRunnerNames.contains(annotation(pod, RUNNER_NAME_ANNOTATION))
                    // Sticky: an ephemeral runner that took a job never goes back to idle; it exits.
                    || "true".equals(annotation(pod, DO_NOT_DISRUPT_ANNOTATION));
            return new ObservedRunner(name, slot, busy ? RunnerState.BUSY : RunnerState.IDLE, started);
        }
        return new ObservedRunner(name, slot, RunnerState.PENDING, created);
    }

    private static Instant startedAt(Pod pod, Instant created, Instant now) {
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses != null) {
            for (ContainerStatus status : statuses) {
                if (RunnerPodFactory.RUNNER_CONTAINER.equals(status.getName())
                        && status.getState() != null
                        && status.getState().getRunning() != null) {
                    return instant(status.getState().getRunning().getStartedAt(), created);
                }
            }
        }
        return instant(pod.getStatus().getStartTime(), created);
    }

    private static int slot(Pod pod) {
        String label = pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(SLOT_LABEL);
        String name = pod.getMetadata().getName();
        String raw = label != null ? label : name.substring(name.lastIndexOf('-') + 1);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant instant(String timestamp, Instant fallback) {
        if (timestamp == null || timestamp.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static boolean pending(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() == null && (phase == null || "Pending".equals(phase));
    }

    private static boolean registered(Pod pod) {
        return annotation(pod, RUNNER_ID_ANNOTATION) != null || annotation(pod, REGISTRATION_ANNOTATION) != null;
    }

    private static Long runnerId(Pod pod, RegisteredRunner listed) {
        String id = annotation(pod, RUNNER_ID_ANNOTATION);
        if (id != null) {
            try {
                return Long.parseLong(id);
            } catch (NumberFormatException e) {
                log.warn(
                        "pod {} has a malformed runner id annotation {}",
                        pod.getMetadata().getName(),
                        id);
            }
        }
        return listed == null ? null : listed.id();
    }

    /** {@code <prefix><pool>-<slot>-<5 random>}: unique per registration, found again by its prefix. */
    private String runnerName(Pool pool, int slot) {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return properties.namePrefix() + pool.name() + "-" + slot + "-" + suffix;
    }

    private static String key(Pool pool, String podName) {
        return pool.namespace() + "/" + podName;
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
}
