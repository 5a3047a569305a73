package dev.runnerscale.autoscaler.queuetime.recording;

import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.leader.LeadershipChanged;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.queuetime.CapacityWaits;
import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.StuckReason;
import dev.runnerscale.autoscaler.queuetime.StuckRules;
import dev.runnerscale.autoscaler.queuetime.TimelineFacts.PodTimes;
import dev.runnerscale.autoscaler.runners.RunnerLifecycleListener;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Records each job's timeline from the reconcile passes ({@link RunnerLifecycleListener}, on the reconciler's thread),
 * with writes bounded by pools and pods, never by jobs × passes:
 *
 * <ul>
 *   <li><b>demand seen</b>: at most one conditional UPDATE per pool per {@code demand-seen-interval}, while the pool
 *       has queued jobs; it stamps the jobs no pass has stamped with the first pass instant after their delivery
 *       (the pass instants since the previous stamp travel with the statement, so the stamp is exact however seldom
 *       it is written);
 *   <li><b>pod stages</b>: once per job, when its runner pod is seen busy or ended after a job and the ledger names
 *       the job's runner ({@code runner_name} = the pod's {@code runnerscale.dev/runner-name}): one read by runner
 *       name and one conditional UPDATE that stores the pod's stages and claims the job's samples. Only the writer
 *       whose UPDATE changed the row records the histograms, so two replicas never count a job twice. A pod whose
 *       job the ledger does not name yet is tried again every {@value #LINK_RETRY_SECONDS} s while it is observed,
 *       and after its deletion every {@value #GONE_RETRY_SECONDS} s for an hour (a lost {@code in_progress} delivery
 *       is repaired later);
 *   <li><b>capacity</b>: when each pool was at its max with jobs queued, in memory ({@link CapacityWaits});
 *   <li><b>stuck demand</b>: the pool's reason ({@link StuckRules}) every pass, in memory; only while one holds, a read
 *       of the pool's oldest queued jobs every {@code stuck-check-interval}, and one conditional UPDATE per newly stuck
 *       job (logged once, with its timeline, by the writer that flagged it).
 * </ul>
 *
 * A failure is the listener's own: the reconciler logs it and goes on.
 */
public class QueueTimeRecorder implements RunnerLifecycleListener {

    private static final Logger log = LoggerFactory.getLogger(QueueTimeRecorder.class);

    static final long LINK_RETRY_SECONDS = 2;
    static final long GONE_RETRY_SECONDS = 30;
    private static final Duration LINK_RETRY = Duration.ofSeconds(LINK_RETRY_SECONDS);
    private static final Duration GONE_RETRY = Duration.ofSeconds(GONE_RETRY_SECONDS);
    private static final Duration GONE_KEPT = Duration.ofHours(1);
    private static final int GONE_MAX = 10_000;
    private static final int GONE_PER_PASS = 20;
    private static final int MAX_PASSES = 256;
    /** A stamp that found nothing is not repeated for unchanged counts for this long (other replicas' jobs). */
    private static final Duration QUIET_RESTAMP = Duration.ofSeconds(15);

    private static final int STUCK_LIMIT = 100;
    private static final Duration KEEP_UNSEEN = Duration.ofMinutes(1);

    private final JdbcQueueTimes ledger;
    private final QueueTimeMetrics metrics;
    private final QueueTimeProperties properties;
    private final NodeCreationTimes nodes;
    private final CapacityWaits capacity = new CapacityWaits(Duration.ofHours(24));
    private final StuckRules rules;
    private final Map<String, PoolState> pools = new HashMap<>();
    private final Map<String, Gone> gone = new LinkedHashMap<>();

    /** What this replica remembers of a pool between passes; bounded by the pool's pods. */
    private static final class PoolState {
        final Map<String, Instant> createdAt = new HashMap<>();
        final Map<String, Instant> registeredAt = new HashMap<>();
        final Set<String> createdThisPass = new HashSet<>();
        final Set<String> linked = new HashSet<>();
        final Map<String, Instant> lastAttempt = new HashMap<>();
        final List<Instant> passes = new ArrayList<>();
        Instant lastStamp = Instant.EPOCH;
        PoolJobCounts lastStampCounts;
        boolean lastStampEmpty;
        Instant lastStuckCheck = Instant.EPOCH;
        Map<Long, StuckReason> stuck = Map.of();

        RunnerPodTimes.Known known() {
            return new RunnerPodTimes.Known() {
                @Override
                public Instant createdAt(String uid) {
                    return PoolState.this.createdAt.get(uid);
                }

                @Override
                public Instant registeredAt(String uid) {
                    return PoolState.this.registeredAt.get(uid);
                }
            };
        }
    }

    /** A deleted pod whose job the ledger did not name yet. */
    private record Gone(PodTimes pod, Instant removedAt, Instant nextAttempt) {}

    public QueueTimeRecorder(
            JdbcQueueTimes ledger, QueueTimeMetrics metrics, QueueTimeProperties properties, NodeCreationTimes nodes) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.properties = properties;
        this.nodes = nodes;
        this.rules = new StuckRules(properties.stuckThreshold(), properties.stuckConfirm());
    }

    @Override
    public synchronized void created(Pool pool, Pod pod, Instant at) {
        PoolState s = state(pool.name());
        s.createdAt.put(pod.getMetadata().getUid(), at);
        s.createdThisPass.add(pod.getMetadata().getUid());
    }

    @Override
    public synchronized void registered(Pool pool, Pod pod, long runnerId, Instant at) {
        state(pool.name()).registeredAt.put(pod.getMetadata().getUid(), at);
    }

    @Override
    public synchronized void passed(PoolPass pass) {
        Pool pool = pass.pool();
        PoolState s = state(pool.name());
        Instant at = pass.at();
        capacity.observe(pool.name(), pass.decision().capped() && pass.counts().queued() > 0, at);
        stampDemandSeen(pool, s, pass.counts(), at);
        Set<String> present = new HashSet<>(s.createdThisPass);
        for (Pod pod : pass.pods()) {
            String uid = pod.getMetadata().getUid();
            present.add(uid);
            ObservedRunner runner = pass.runners().get(pod.getMetadata().getName());
            String runnerName = RunnerPodTimes.runnerName(pod);
            if (runner == null || runnerName == null || s.linked.contains(uid) || !tookJob(runner)) {
                continue;
            }
            Instant last = s.lastAttempt.get(uid);
            if (last != null && last.plus(LINK_RETRY).isAfter(at)) {
                continue;
            }
            s.lastAttempt.put(uid, at);
            if (link(runnerName, RunnerPodTimes.read(pod, s.known(), nodes), at)) {
                s.linked.add(uid);
            }
        }
        // a pod this pass created is not among its pods yet; one the informer has not shown yet is kept a while
        Instant recent = at.minus(KEEP_UNSEEN);
        s.createdAt
                .entrySet()
                .removeIf(e -> !present.contains(e.getKey()) && e.getValue().isBefore(recent));
        s.registeredAt
                .entrySet()
                .removeIf(e -> !present.contains(e.getKey()) && e.getValue().isBefore(recent));
        s.linked.retainAll(present);
        s.lastAttempt.keySet().retainAll(present);
        s.createdThisPass.clear();
        retryGone(at);
        detectStuck(pool, s, pass);
    }

    @Override
    public synchronized void removed(Pool pool, Pod pod, ObservedRunner runner, Instant at) {
        if (pool == null) {
            return; // a pool no longer configured: no series, no timeline to finish
        }
        PoolState s = state(pool.name());
        String uid = pod.getMetadata().getUid();
        String runnerName = RunnerPodTimes.runnerName(pod);
        if (!s.linked.contains(uid)
                && runnerName != null
                && runner != null
                && (runner.tookJob() || runner.terminal())) {
            PodTimes times = RunnerPodTimes.read(pod, s.known(), nodes);
            if (!link(runnerName, times, at)) {
                gone.remove(runnerName);
                gone.put(runnerName, new Gone(times, at, at.plus(GONE_RETRY)));
                if (gone.size() > GONE_MAX) {
                    Iterator<String> oldest = gone.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        s.createdAt.remove(uid);
        s.registeredAt.remove(uid);
        s.linked.remove(uid);
        s.lastAttempt.remove(uid);
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged change) {
        if (!change.leader()) {
            leadershipLost();
        }
    }

    /** This replica stopped reconciling: what it remembers would go stale, and it reports no stuck job. */
    public synchronized void leadershipLost() {
        pools.clear();
        gone.clear();
        capacity.forget();
        rules.forget();
        metrics.clearStuck();
    }

    private PoolState state(String pool) {
        return pools.computeIfAbsent(pool, p -> new PoolState());
    }

    /** Busy now, or ended after a job: the ledger names (or will name) its job's runner. */
    private static boolean tookJob(ObservedRunner runner) {
        return runner.state() == RunnerState.BUSY || (runner.terminal() && runner.tookJob());
    }

    private void stampDemandSeen(Pool pool, PoolState s, PoolJobCounts counts, Instant at) {
        if (counts.queued() == 0) {
            s.passes.clear(); // this pass counted nothing queued: a later job is seen by a later pass
            return;
        }
        s.passes.add(at);
        if (s.passes.size() > MAX_PASSES) {
            s.passes.remove(0);
        }
        if (at.isBefore(s.lastStamp.plus(properties.demandSeenInterval()))) {
            return;
        }
        if (s.lastStampEmpty && counts.equals(s.lastStampCounts) && at.isBefore(s.lastStamp.plus(QUIET_RESTAMP))) {
            return; // nothing was left to stamp and nothing moved since
        }
        int stamped = ledger.stampDemandSeen(pool.name(), s.passes);
        s.lastStamp = at;
        s.lastStampCounts = counts;
        s.lastStampEmpty = stamped == 0;
        s.passes.clear();
    }

    /**
     * Links the job that ran on {@code runnerName} to the pod's stages. True when the job's timeline is recorded (by
     * this call or an earlier one, here or on another replica); false when the ledger does not name the job yet.
     */
    private boolean link(String runnerName, PodTimes pod, Instant at) {
        var found = ledger.jobOnRunner(runnerName);
        if (found.isEmpty()) {
            return false;
        }
        JobTimes job = found.get();
        if (job.timelineRecordedAt() != null) {
            return true;
        }
        if (job.startedAt() == null) {
            return false;
        }
        Instant from = job.queuedAt() != null ? job.queuedAt() : job.firstReceivedAt();
        Duration atMax = job.pool() == null ? null : capacity.during(job.pool(), from, job.startedAt());
        JobTimeline timeline = JobTimeline.of(job.facts().withPod(pod, atMax));
        if (ledger.claim(job.id(), pod, atMax, at) && job.pool() != null && !job.refused()) {
            metrics.record(job.pool(), timeline);
            log.debug("job {} linked to runner pod {}: {}", job.id(), pod.podName(), timeline.summary());
        }
        return true;
    }

    private void retryGone(Instant at) {
        int tried = 0;
        Iterator<Map.Entry<String, Gone>> it = gone.entrySet().iterator();
        while (it.hasNext() && tried < GONE_PER_PASS) {
            Map.Entry<String, Gone> e = it.next();
            Gone g = e.getValue();
            if (g.nextAttempt().isAfter(at)) {
                continue;
            }
            tried++;
            if (link(e.getKey(), g.pod(), at) || g.removedAt().plus(GONE_KEPT).isBefore(at)) {
                it.remove();
            } else {
                e.setValue(new Gone(g.pod(), g.removedAt(), at.plus(GONE_RETRY)));
            }
        }
    }

    private void detectStuck(Pool pool, PoolState s, PoolPass pass) {
        Instant at = pass.at();
        Set<String> registered = new HashSet<>();
        pass.pods().stream()
                .filter(RunnerPodTimes::registered)
                .forEach(p -> registered.add(p.getMetadata().getName()));
        StuckRules.Verdict verdict = rules.judge(new StuckRules.PoolFacts(
                pool.name(),
                pool.max(),
                List.copyOf(pass.runners().values()),
                registered,
                pass.counts().queued(),
                pass.counts().inProgress(),
                pass.decision().active(),
                !pass.decision().slotsToCreate().isEmpty(),
                at));
        if (verdict.reason().isEmpty()) {
            if (!s.stuck.isEmpty()) {
                s.stuck = Map.of();
                metrics.stuck(pool.name(), Map.of());
            }
            return;
        }
        if (at.isBefore(s.lastStuckCheck.plus(properties.stuckCheckInterval()))) {
            return;
        }
        s.lastStuckCheck = at;
        StuckReason reason = verdict.reason().get();
        List<JobTimes> queued =
                ledger.oldestQueued(pool.name(), STUCK_LIMIT + (int) Math.min(verdict.presumedRunning(), 1000));
        Map<Long, JobTimes> byId = new HashMap<>();
        queued.forEach(j -> byId.put(j.id(), j));
        List<Long> stuck = rules.stuckJobs(
                verdict,
                queued.stream()
                        .map(j -> new StuckRules.QueuedJob(j.id(), j.queuedSince()))
                        .toList(),
                at);
        Map<Long, StuckReason> now = new LinkedHashMap<>();
        for (long id : stuck) {
            now.put(id, reason);
            if (!s.stuck.containsKey(id) && ledger.markStuck(id, reason, at)) {
                report(pool, byId.get(id), reason, at);
            }
        }
        s.stuck = now;
        Map<StuckReason, Integer> counts = new EnumMap<>(StuckReason.class);
        now.values().forEach(r -> counts.merge(r, 1, Integer::sum));
        metrics.stuck(pool.name(), counts);
    }

    private static void report(Pool pool, JobTimes job, StuckReason reason, Instant at) {
        JobTimeline timeline = JobTimeline.of(job.facts());
        log.atWarn()
                .addKeyValue("job_id", job.id())
                .addKeyValue("stuck_reason", reason.wire())
                .log(
                        "job {} of {}/{} is stuck in pool {}: {}; queued since {} ({} s); re-checked against GitHub"
                                + " by the missed-event repair; timeline: {}",
                        job.id(),
                        job.owner(),
                        job.repository(),
                        pool.name(),
                        explanation(reason),
                        job.queuedSince(),
                        Duration.between(job.queuedSince(), at).toSeconds(),
                        timeline.summary());
    }

    private static String explanation(StuckReason reason) {
        return switch (reason) {
            case RUNNER_OFFLINE -> "runner_offline (the pool's runner pod runs but its runner never came online)";
            case IDLE_RUNNER_UNUSED ->
                "idle_runner_unused (the pool has idle registered runners that GitHub does not hand the job to:"
                        + " labels or runner group)";
            case NO_POD_PENDING ->
                "no_pod_pending (the pool is below max and no pod is pending for the job: creation is held or"
                        + " failing)";
        };
    }
}
