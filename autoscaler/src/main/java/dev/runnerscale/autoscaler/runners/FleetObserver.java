package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.github.GitHubRunnerApi.RegisteredRunner;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.jobs.RunningJob;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.PoolLimits;
import dev.runnerscale.autoscaler.scaling.PoolSnapshot;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The observe step of a pass: builds a pool's {@link PoolSnapshot} from its pods (the informer's cache), the ledger's
 * demand, the scope's last GitHub runner listing, the pool's holds and its nodes ({@link NodeCapacity}: what new pods
 * ask for, which nodes are going away). Reads only: it never changes the world.
 */
final class FleetObserver {

    private final JobLedger ledger;
    private final KubernetesRunnerFleet fleet;
    private final GitHubRunnerListings listings;
    private final RunnerNames names;
    private final Duration onlineGrace;
    private final Function<Pool, Instant> creationHeldUntil;
    private final Function<Pool, Instant> registrationHeldUntil;
    private final NodeCapacity nodes;
    private final Map<String, Map<String, Instant>> sightings = new ConcurrentHashMap<>();

    FleetObserver(
            JobLedger ledger,
            KubernetesRunnerFleet fleet,
            GitHubRunnerListings listings,
            RunnerNames names,
            Duration onlineGrace,
            Function<Pool, Instant> creationHeldUntil,
            Function<Pool, Instant> registrationHeldUntil,
            NodeCapacity nodes) {
        this.nodes = nodes;
        this.ledger = ledger;
        this.fleet = fleet;
        this.listings = listings;
        this.names = names;
        this.onlineGrace = onlineGrace;
        this.creationHeldUntil = creationHeldUntil;
        this.registrationHeldUntil = registrationHeldUntil;
    }

    /**
     * The ledger's demand: the in-progress jobs (with their runners) first, then the counts. They are two reads, and
     * a job that moved from queued to in_progress between them would otherwise count twice, as queued demand and as
     * the busy runner serving it (a spare pod). In this order an in-progress job was so before the counts were read,
     * and a job never moves back to queued.
     */
    Demand readDemand() {
        List<RunningJob> running = ledger.inProgressJobs();
        return Demand.of(running, ledger.countsByPool(), names);
    }

    /**
     * What the ledger says is wanted: per-pool counts, the runner names of in-progress jobs, and per pool how many of
     * its in-progress jobs run on its own runners or on one not named yet (each name parsed once per pass).
     */
    record Demand(Map<String, PoolJobCounts> counts, Set<String> busyRunnerNames, Map<String, Long> ownInProgress) {

        /** {@code running} first: the argument order is the read order {@link #readDemand} keeps. */
        static Demand of(List<RunningJob> running, Map<String, PoolJobCounts> counts, RunnerNames names) {
            Set<String> busy = new HashSet<>();
            Map<String, Long> own = new java.util.HashMap<>();
            for (RunningJob job : running) {
                if (job.runnerName() != null) {
                    busy.add(job.runnerName());
                }
                if (job.runnerName() == null || names.belongsTo(job.runnerName(), job.pool())) {
                    own.merge(job.pool(), 1L, Long::sum);
                }
            }
            return new Demand(counts, Set.copyOf(busy), Map.copyOf(own));
        }

        PoolJobCounts counts(String pool) {
            return counts.getOrDefault(pool, PoolJobCounts.empty(pool));
        }
    }

    /**
     * A pool as a pass sees it.
     *
     * @param inProgress the pool's in-progress jobs on its own runners or on a runner not named yet: a job on a
     *     static runner, another pool's or another controller's runner is not this pool's demand
     * @param listed GitHub's runners of this pool by name, from the scope's last listing (empty before one)
     * @param placement where new pods of the pool go, and the nodes going away
     */
    record PoolObservation(
            Pool pool,
            PoolJobCounts counts,
            long inProgress,
            List<Pod> pods,
            Map<String, ObservedRunner> runners,
            Map<String, RegisteredRunner> listed,
            NodeCapacity.Placement placement,
            PoolSnapshot snapshot) {

        Pod pod(String podName) {
            return pods.stream()
                    .filter(p -> RunnerPods.name(p).equals(podName))
                    .findFirst()
                    .orElse(null);
        }
    }

    PoolObservation observe(Pool pool, Demand demand, Instant now) {
        List<Pod> pods = fleet.observedPods(pool);
        NodeCapacity.Placement placement = nodes.placement(pool, pods, now);
        PoolJobCounts counts = demand.counts(pool.name());

        Map<String, RegisteredRunner> listed =
                listings.last(pool.github()).map(l -> l.of(pool.name())).orElse(Map.of());
        Set<String> gitHubBusy = new HashSet<>();
        listed.values().stream().filter(RegisteredRunner::busy).forEach(r -> gitHubBusy.add(r.name()));

        Set<String> ledgerBusy = demand.busyRunnerNames();
        Set<String> busy = new HashSet<>(ledgerBusy);
        busy.addAll(gitHubBusy);

        // An ended runner is judged by whether it ever took a job; for one not marked, the ledger knows.
        List<String> unmarkedEnded = new ArrayList<>();
        for (Pod pod : pods) {
            ObservedRunner quick = RunnerPods.observe(pod, false, false, now);
            String runnerName = RunnerPods.runnerName(pod);
            if (quick.terminal() && !quick.tookJob() && runnerName != null && !busy.contains(runnerName)) {
                unmarkedEnded.add(runnerName);
            }
        }
        Set<String> tookJobs = unmarkedEnded.isEmpty() ? Set.of() : ledger.runnersThatTookJobs(unmarkedEnded);

        Map<String, Instant> seen = sightings.computeIfAbsent(pool.name(), p -> new ConcurrentHashMap<>());
        Set<String> present = new HashSet<>();
        Map<String, ObservedRunner> runners = new LinkedHashMap<>();
        long takenFromQueue = 0;
        for (Pod pod : pods) {
            String runnerName = RunnerPods.runnerName(pod);
            ObservedRunner observed =
                    RunnerPods.observe(pod, busy.contains(runnerName), tookJobs.contains(runnerName), now);
            // GitHub reports the runner busy while the ledger has not heard in_progress yet: GitHub assigned it a job
            // the ledger still holds as queued, so that job is no longer demand for another runner.
            if (observed.state() == RunnerState.BUSY
                    && gitHubBusy.contains(runnerName)
                    && !ledgerBusy.contains(runnerName)) {
                takenFromQueue++;
            }
            // A state lasts since the later of the server's timestamp and our first sighting of it: the server's
            // clock is not ours, and a pod must never be replaced or retired early because of clock skew (after a
            // restart the timers start again, which errs on the side of keeping the pod).
            String uid = pod.getMetadata().getUid();
            String key = uid + "/" + observed.state();
            present.add(key);
            Instant first = seen.computeIfAbsent(key, k -> now);
            if (first.isAfter(observed.since())) {
                observed = observed.withSince(first);
            }
            RegisteredRunner onGitHub = listed.get(runnerName);
            if (observed.state() == RunnerState.IDLE
                    && RunnerPods.runnerId(pod).isPresent()
                    && onGitHub != null
                    && "offline".equalsIgnoreCase(onGitHub.status())) {
                String offlineKey = uid + "/offline";
                present.add(offlineKey);
                observed = observed.withOfflineSince(seen.computeIfAbsent(offlineKey, k -> now));
            }
            if (RunnerPods.nodeName(pod)
                            .filter(placement.noticedNodes()::containsKey)
                            .isPresent()
                    || placement.strandedPods().contains(RunnerPods.name(pod))) {
                observed = observed.asMisplaced();
            }
            runners.put(RunnerPods.name(pod), observed);
        }
        seen.keySet().retainAll(present);

        long inProgress = demand.ownInProgress().getOrDefault(pool.name(), 0L);
        PoolSnapshot snapshot = new PoolSnapshot(
                limits(pool),
                Math.max(0, counts.queued() - takenFromQueue),
                inProgress,
                List.copyOf(runners.values()),
                creationHeldUntil.apply(pool),
                registrationHeldUntil.apply(pool));
        return new PoolObservation(pool, counts, inProgress, pods, runners, listed, placement, snapshot);
    }

    PoolLimits limits(Pool pool) {
        return new PoolLimits(
                pool.name(), pool.minIdle(), pool.max(), pool.idleTimeout(), pool.pendingTimeout(), onlineGrace);
    }

    void forget(String pool) {
        sightings.remove(pool);
    }
}
