package dev.runnerscale.autoscaler.queuetime.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.LedgerJob;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.Stage;
import dev.runnerscale.autoscaler.queuetime.StageStatus;
import dev.runnerscale.autoscaler.queuetime.StuckReason;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.Kubelet;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Where the wait goes, on the real parts ({@link FleetWorld}: the reconciler with its pod informer, the mock API server
 * with a kubelet that schedules pods onto nodes, the real ledger on PostgreSQL, the fake GitHub), the recorder told by
 * the reconciler as in production. Passes are run by the test, one at a time, and the world's clock is frozen: time
 * moves only when the test advances it, so every stage has exactly the length the scenario gives it.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueTimeScenariosTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    private static final String POOL = "linux-x64";
    /** The clock is frozen: stages are exact, but for the microseconds PostgreSQL keeps of an instant's nanoseconds. */
    private static final double SLACK = 0.001;

    private static final QueueTimeProperties PROPERTIES = new QueueTimeProperties(
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofSeconds(15),
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            500);

    private KubernetesTestServer server;
    private FleetWorld world;
    private Kubelet kubelet;
    private JdbcQueueTimes ledger;
    private QueueTimes queueTimes;
    private final List<FleetWorld.Replica> replicas = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new KubernetesTestServer();
    }

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
        server.close();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
    }

    /** One pool of organisation acme; its pods bind to a node that has long existed unless a scenario says else. */
    private void world(String... poolSettings) {
        List<String> settings = new ArrayList<>(
                List.of("name", POOL, "labels", "self-hosted,linux,x64", "github.owner", "acme", "max", "3"));
        settings.addAll(List.of(poolSettings));
        world = new FleetWorld(server, gitHub, w -> {
            List<String> all = new ArrayList<>(settings);
            all.addAll(List.of("namespace", w.namespace("runners")));
            Pool pool = TestPools.pool(all.toArray(String[]::new));
            return List.of(pool);
        });
        world.clock.freeze(); // every stage exactly as long as the scenario makes it
        kubelet = world.kubelet(POOL);
        kubelet.clock(world.clock);
        kubelet.addNode("node-old-" + world.id);
        world.clock.advance(Duration.ofHours(1));
        kubelet.bindTo("node-old-" + world.id);
        ledger = new JdbcQueueTimes(world.ledger.jdbc);
        queueTimes = new QueueTimes(ledger, PROPERTIES, world.clock);
        // node creation times as the node informer would give them, on the scenario's clock (the mock API server
        // stamps nodes with wall time)
        NodeCreationTimes nodeTimes = kubelet::nodeCreatedAt;
        world.onEveryReplica(r ->
                new QueueTimeRecorder(ledger, new QueueTimeMetrics(r.registry, List.of(POOL)), PROPERTIES, nodeTimes));
    }

    /**
     * A replica whose passes the test runs. Its GitHub client has found the installation and minted a token before the
     * scenario starts: on a loaded machine a first call can time out, and the scenario's clock must not wait for the
     * hold that would follow.
     */
    private FleetWorld.Replica replica() {
        FleetWorld.Replica replica = world.drivenReplica();
        replicas.add(replica);
        await().ignoreExceptions().until(() -> {
            replica.gitHub.runners().listRunners(world.scope(POOL));
            return true;
        });
        return replica;
    }

    private void advance(double seconds) {
        world.clock.advance(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private Pod onlyPod() {
        await().alias("one pod")
                .until(
                        () -> world.pods(POOL).stream()
                                .map(p -> p.getMetadata().getName())
                                .toList(),
                        pods -> pods.size() == 1);
        return world.pods(POOL).get(0);
    }

    /** Waits until the replica's pod cache shows a runner of the pool in this state (idle, busy, terminating). */
    private static void awaitRunner(FleetWorld.Replica replica, String state) {
        await().until(() -> replica.reconciler.operatorView().runnersNow().stream()
                .anyMatch(v -> v.state().equals(state)));
    }

    private static void awaitNoPods(FleetWorld.Replica replica) {
        await().until(() -> replica.reconciler.operatorView().runnersNow().isEmpty());
    }

    private JobTimeline timeline(long job) {
        return queueTimes.job(job).orElseThrow().timeline();
    }

    private static double seconds(JobTimeline t, Stage stage) {
        assertThat(t.stage(stage).duration())
                .as(stage.wire() + " of " + t.summary())
                .isNotNull();
        return t.stage(stage).duration().toMillis() / 1000.0;
    }

    private static Timer stageTimer(FleetWorld.Replica replica, Stage stage) {
        return replica.registry
                .get(QueueTimeMetrics.STAGE)
                .tags("pool", POOL, "stage", stage.wire())
                .timer();
    }

    private static long samples(FleetWorld.Replica replica, Stage stage) {
        return stageTimer(replica, stage).count();
    }

    private static Timer part(FleetWorld.Replica replica, String part) {
        return replica.registry
                .get(QueueTimeMetrics.QUEUE_WAIT)
                .tags("pool", POOL, "part", part)
                .timer();
    }

    private static double stuck(FleetWorld.Replica replica, StuckReason reason) {
        Gauge gauge = replica.registry
                .get(QueueTimeMetrics.STUCK)
                .tags("pool", POOL, "reason", reason.wire())
                .gauge();
        return gauge.value();
    }

    private static void assertNothingStuck(FleetWorld.Replica replica) {
        for (StuckReason reason : StuckReason.values()) {
            assertThat(stuck(replica, reason)).as(reason.wire()).isZero();
        }
    }

    /** Runs a pass and checks the detector has nothing to say. */
    private static void quietPass(FleetWorld.Replica replica) {
        replica.pass();
        assertNothingStuck(replica);
    }

    /** The pod's runner takes the job on GitHub and the ledger hears {@code in_progress}. */
    private void runnerTakes(long job, Pod pod) {
        String runnerName = FleetWorld.runnerName(pod);
        long runnerId = world.github.assign(runnerName);
        world.start(job, runnerId, runnerName);
    }

    @Test
    void aColdStartGoesThroughEveryStageAndIsCountedOnce() {
        world();
        FleetWorld.Replica replica = replica();
        kubelet.holdPending(true); // no node fits: Karpenter must add one
        long job = world.queue(POOL, 1).get(0);
        advance(10);
        quietPass(replica); // demand seen; the pod is created and registered in the same pass
        Pod pod = onlyPod();

        advance(60);
        kubelet.holdStart(true);
        kubelet.addNode("node-new-" + world.id);
        kubelet.bindTo("node-new-" + world.id);
        kubelet.holdPending(false);
        await().until(() -> world.pods(POOL).get(0).getSpec().getNodeName() != null);
        quietPass(replica);
        advance(15);
        kubelet.holdStart(false); // the image is pulled: the runner starts
        awaitRunner(replica, "idle");
        quietPass(replica);
        advance(20);
        runnerTakes(job, pod);
        replica.pass(); // the runner is busy: its pod's stages are linked to the job

        JobTimeline t = timeline(job);
        assertThat(t.warmRunner()).isFalse();
        assertThat(t.newNode()).isTrue();
        assertThat(t.runnerPod()).isEqualTo(pod.getMetadata().getName());
        assertThat(seconds(t, Stage.DELIVERY)).isZero();
        assertThat(seconds(t, Stage.DEMAND_SEEN)).isCloseTo(10, within(SLACK));
        assertThat(seconds(t, Stage.POD_CREATED)).isCloseTo(0, within(SLACK));
        // registered within the pass that created the pod, long before a node took it: no wait of its own
        assertThat(t.stage(Stage.RUNNER_REGISTERED).status()).isEqualTo(StageStatus.CLAMPED);
        assertThat(t.stage(Stage.RUNNER_REGISTERED).reason()).isEqualTo(JobTimeline.OVERLAPPED);
        assertThat(seconds(t, Stage.POD_SCHEDULED)).isCloseTo(60, within(SLACK));
        assertThat(seconds(t, Stage.RUNNER_STARTED)).isCloseTo(15, within(SLACK));
        assertThat(seconds(t, Stage.JOB_STARTED)).isCloseTo(20, within(SLACK));
        assertThat(t.queueWait().total()).isEqualTo(Duration.ofSeconds(105));
        assertThat(t.queueWait().capacity()).isZero();

        for (Stage stage : Stage.WAIT_STAGES) {
            assertThat(samples(replica, stage)).as(stage.wire()).isEqualTo(1);
        }
        assertThat(stageTimer(replica, Stage.POD_SCHEDULED).totalTime(TimeUnit.SECONDS))
                .isCloseTo(60.0, within(SLACK));
        double stagesTotal = Stage.WAIT_STAGES.stream()
                .mapToDouble(s -> stageTimer(replica, s).totalTime(TimeUnit.MILLISECONDS))
                .sum();
        assertThat(stagesTotal).isEqualTo(t.queueWait().total().toMillis(), within(1.0));
        assertThat(part(replica, "runner_start").count()).isEqualTo(1);
        assertThat(part(replica, "capacity").totalTime(TimeUnit.SECONDS)).isZero();

        // later passes, the job's completion and the pod's removal record nothing more
        quietPass(replica);
        advance(30);
        world.complete(job, "success");
        kubelet.succeed(pod.getMetadata().getName());
        awaitRunner(replica, "terminating");
        quietPass(replica);
        quietPass(replica);
        for (Stage stage : Stage.WAIT_STAGES) {
            assertThat(samples(replica, stage)).as(stage.wire()).isEqualTo(1);
        }
        JobTimeline done = timeline(job);
        assertThat(done.stage(Stage.COMPLETED).status()).isEqualTo(StageStatus.MEASURED);
        assertThat(seconds(done, Stage.COMPLETED)).isCloseTo(30, within(SLACK));
        assertThat(queueTimes.pool(POOL).statistics().jobs()).isEqualTo(1);
        assertThat(queueTimes
                        .pool(POOL)
                        .statistics()
                        .stages()
                        .get(Stage.POD_SCHEDULED)
                        .p95())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aWarmRunnersJobSkipsThePodStages() {
        world("min-idle", "1");
        FleetWorld.Replica replica = replica();
        quietPass(replica); // the warm runner
        Pod pod = onlyPod();
        awaitRunner(replica, "idle");
        advance(600);
        quietPass(replica);

        long job = world.queue(POOL, 1).get(0);
        advance(2);
        runnerTakes(job, pod); // GitHub hands the job to the idle runner before any pass
        advance(1);
        quietPass(replica);

        JobTimeline t = timeline(job);
        assertThat(t.warmRunner()).isTrue();
        assertThat(t.newNode()).isFalse();
        for (Stage stage : Stage.POD_STAGES) {
            assertThat(t.stage(stage).status()).as(stage.wire()).isEqualTo(StageStatus.SKIPPED);
            assertThat(t.stage(stage).reason()).isEqualTo(JobTimeline.WARM_RUNNER);
        }
        assertThat(t.stage(Stage.DEMAND_SEEN).reason()).isEqualTo(JobTimeline.NOT_SEEN_QUEUED);
        assertThat(seconds(t, Stage.JOB_STARTED)).isCloseTo(2, within(SLACK));
        assertThat(samples(replica, Stage.DELIVERY)).isEqualTo(1);
        assertThat(samples(replica, Stage.JOB_STARTED)).isEqualTo(1);
        for (Stage stage : List.of(
                Stage.DEMAND_SEEN,
                Stage.POD_CREATED,
                Stage.POD_SCHEDULED,
                Stage.RUNNER_REGISTERED,
                Stage.RUNNER_STARTED)) {
            assertThat(samples(replica, stage)).as(stage.wire()).isZero();
        }
    }

    @Test
    void aJobWaitingForAPoolAtMaxCountsThatWaitAsCapacity() {
        world("max", "1");
        FleetWorld.Replica replica = replica();
        long first = world.queue(POOL, 1).get(0);
        quietPass(replica);
        Pod busy = onlyPod();
        awaitRunner(replica, "idle");
        runnerTakes(first, busy);
        quietPass(replica);

        advance(5);
        long second = world.queue(POOL, 1).get(0);
        advance(1);
        quietPass(replica); // at max: the second job waits for the slot
        advance(90);
        quietPass(replica);

        world.complete(first, "success");
        world.github.finish(FleetWorld.runnerName(busy));
        kubelet.succeed(busy.getMetadata().getName());
        awaitRunner(replica, "terminating");
        quietPass(replica); // the ended pod is deleted: below max again
        awaitNoPods(replica);
        quietPass(replica); // the freed slot is filled
        Pod next = onlyPod();
        awaitRunner(replica, "idle");
        advance(10);
        runnerTakes(second, next);
        quietPass(replica);

        JobTimeline t = timeline(second);
        assertThat(t.queueWait().capacity()).isEqualTo(Duration.ofSeconds(90));
        assertThat(t.queueWait().runnerStart()).isEqualTo(Duration.ofSeconds(11));
        // the slot came free 90 s after the job was seen: its pod could only be created then
        assertThat(seconds(t, Stage.POD_CREATED)).isCloseTo(90, within(SLACK));
        assertThat(part(replica, "capacity").count()).isEqualTo(2);
        assertThat(part(replica, "capacity").max(TimeUnit.SECONDS)).isEqualTo(90.0);
        assertThat(timeline(first).queueWait().capacity()).isZero();
    }

    @Test
    void aPodThatNeverSchedulesIsReplacedAndItsWaitShowsBeforeThePodThatRan() {
        world("max", "2", "pending-timeout", "3m");
        FleetWorld.Replica replica = replica();
        kubelet.holdPending(true);
        long job = world.queue(POOL, 1).get(0);
        advance(1);
        quietPass(replica);
        Pod never = onlyPod();
        awaitRunner(replica, "pending");
        quietPass(replica); // pending since it was first seen (the mock API server stamps no creation time)

        advance(120);
        quietPass(replica); // queued past the threshold, but a pod is pending for it: waiting, not stuck
        JobTimeline waiting = timeline(job);
        assertThat(waiting.stage(Stage.POD_SCHEDULED).status()).isEqualTo(StageStatus.PENDING);
        assertThat(waiting.stage(Stage.JOB_STARTED).status()).isEqualTo(StageStatus.PENDING);
        assertThat(samples(replica, Stage.DELIVERY)).isZero();

        advance(70); // past the pending timeout: replaced in the same pass
        quietPass(replica);
        await().until(() -> world.pods(POOL).stream()
                .noneMatch(
                        p -> p.getMetadata().getUid().equals(never.getMetadata().getUid())));
        Pod replacement = onlyPod();
        await().until(() -> !world.events(
                        "RunnerPendingTimeout", List.of(world.pool(POOL).namespace()))
                .isEmpty());
        kubelet.holdPending(false);
        awaitRunner(replica, "idle");
        advance(5);
        runnerTakes(job, replacement);
        quietPass(replica);

        JobTimeline t = timeline(job);
        assertThat(t.runnerPod()).isEqualTo(replacement.getMetadata().getName());
        assertThat(t.newNode()).isFalse();
        assertThat(seconds(t, Stage.POD_CREATED)).isCloseTo(190, within(SLACK));
        assertThat(seconds(t, Stage.POD_SCHEDULED)).isCloseTo(0, within(SLACK));
        assertThat(seconds(t, Stage.JOB_STARTED)).isCloseTo(5, within(SLACK));
        assertThat(samples(replica, Stage.POD_CREATED)).isEqualTo(1);
    }

    @Test
    void aRunnerThatNeverComesOnlineIsFlaggedLoggedOnceAndCheckedFirstByTheRepair(CapturedOutput output) {
        world("max", "1");
        world.neverOnline(POOL);
        FleetWorld.Replica replica = replica();
        long job = world.queue(POOL, 1).get(0);
        advance(1);
        quietPass(replica);
        awaitRunner(replica, "idle");
        quietPass(replica); // GitHub lists it offline from here
        advance(30);
        quietPass(replica); // offline for 30 s: run.sh may still be connecting

        advance(40);
        replica.pass();
        assertThat(stuck(replica, StuckReason.RUNNER_OFFLINE)).isEqualTo(1);
        assertThat(stuck(replica, StuckReason.IDLE_RUNNER_UNUSED)).isZero();
        assertThat(stuck(replica, StuckReason.NO_POD_PENDING)).isZero();
        advance(20);
        replica.pass();
        replica.pass();

        QueueTimes.JobQueueTime flagged = queueTimes.job(job).orElseThrow();
        assertThat(flagged.stuckReason()).isEqualTo("runner_offline");
        assertThat(queueTimes.pool(POOL).stuckJobs())
                .extracting(QueueTimes.StuckJob::id, QueueTimes.StuckJob::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(job, "runner_offline"));
        assertThat(world.ledger.ledger.stuckJobs(world.clock.instant(), 10))
                .extracting(LedgerJob::id)
                .containsExactly(job);
        assertThat(output.getAll().split("is stuck in pool", -1)).hasSize(2); // logged once
        assertThat(output.getAll())
                .contains("job " + job + " of acme/app is stuck in pool " + POOL + ": runner_offline");
        assertThat(samples(replica, Stage.DELIVERY)).isZero(); // it has not started: nothing recorded yet
    }

    @Test
    void aJobAnIdleRunnerIsNotHandedIsFlaggedIdleRunnerUnusedAndKeepsTheVerdictOnceItRuns(CapturedOutput output) {
        world("min-idle", "1");
        FleetWorld.Replica replica = replica();
        quietPass(replica);
        Pod pod = onlyPod();
        awaitRunner(replica, "idle");
        advance(120);
        quietPass(replica); // idle and online for two minutes, nothing queued: nothing stuck

        long job = world.queue(POOL, 1).get(0); // GitHub does not hand it to the idle runner (labels, runner group)
        advance(1);
        quietPass(replica);
        advance(20);
        quietPass(replica); // queued 20 s: below the threshold

        advance(15);
        replica.pass();
        assertThat(stuck(replica, StuckReason.IDLE_RUNNER_UNUSED)).isEqualTo(1);
        assertThat(stuck(replica, StuckReason.RUNNER_OFFLINE)).isZero();
        assertThat(stuck(replica, StuckReason.NO_POD_PENDING)).isZero();
        assertThat(queueTimes.pool(POOL).stuckJobs())
                .extracting(QueueTimes.StuckJob::id, QueueTimes.StuckJob::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(job, "idle_runner_unused"));
        assertThat(world.ledger.ledger.stuckJobs(world.clock.instant(), 10))
                .extracting(LedgerJob::id)
                .containsExactly(job);
        JobTimeline waiting = timeline(job);
        assertThat(seconds(waiting, Stage.DEMAND_SEEN)).isCloseTo(1, within(SLACK));
        assertThat(waiting.stage(Stage.JOB_STARTED).status()).isEqualTo(StageStatus.PENDING);
        advance(16);
        replica.pass(); // checked again: still stuck, not logged again
        assertThat(stuck(replica, StuckReason.IDLE_RUNNER_UNUSED)).isEqualTo(1);
        assertThat(output.getAll().split("is stuck in pool", -1)).hasSize(2);
        assertThat(output.getAll())
                .contains("job " + job + " of acme/app is stuck in pool " + POOL + ": idle_runner_unused")
                .contains("timeline: delivery 0.0s, demand_seen 1.0s");

        // someone fixes the runner group: GitHub hands the job over, the alarm clears, the verdict stays as history
        advance(4);
        runnerTakes(job, pod);
        replica.pass();
        assertNothingStuck(replica);
        assertThat(queueTimes.pool(POOL).stuckJobs()).isEmpty();
        QueueTimes.JobQueueTime ran = queueTimes.job(job).orElseThrow();
        assertThat(ran.stuckReason()).isEqualTo("idle_runner_unused");
        JobTimeline t = ran.timeline();
        assertThat(t.warmRunner()).isTrue();
        assertThat(seconds(t, Stage.JOB_STARTED)).isCloseTo(55, within(SLACK));
        assertThat(t.queueWait().total()).isEqualTo(Duration.ofSeconds(56));
        assertThat(samples(replica, Stage.JOB_STARTED)).isEqualTo(1);
        assertThat(samples(replica, Stage.POD_SCHEDULED)).isZero();
        assertThat(part(replica, "runner_start").totalTime(TimeUnit.SECONDS)).isCloseTo(56.0, within(SLACK));
    }

    @Test
    void aPoolBelowMaxThatMakesNoPodForItsJobIsFlaggedNoPodPending() {
        world("max", "2");
        FleetWorld.Replica replica = replica();
        // the API server refuses the pool's pods (a namespace quota, an admission webhook): the pool is held
        server.fail("POST", p -> p.contains("/pods"), 1_000, 403);
        long job = world.queue(POOL, 1).get(0);
        advance(1);
        quietPass(replica); // the creation is refused: the pool is held, no pod pending from now on
        assertThat(world.pods(POOL)).isEmpty();
        advance(30);
        quietPass(replica); // queued 30 s, no pod for 30 s: not confirmed yet

        // the hold doubles after each refused retry; the retries themselves restart the confirmation
        for (int i = 0; i < 20 && stuck(replica, StuckReason.NO_POD_PENDING) == 0; i++) {
            advance(16);
            replica.pass();
        }
        assertThat(stuck(replica, StuckReason.NO_POD_PENDING)).isEqualTo(1);
        assertThat(stuck(replica, StuckReason.IDLE_RUNNER_UNUSED)).isZero();
        assertThat(stuck(replica, StuckReason.RUNNER_OFFLINE)).isZero();
        assertThat(queueTimes.job(job).orElseThrow().stuckReason()).isEqualTo("no_pod_pending");
        JobTimeline t = timeline(job);
        assertThat(seconds(t, Stage.DEMAND_SEEN)).isCloseTo(1, within(SLACK));
        assertThat(t.stage(Stage.POD_CREATED).status()).isEqualTo(StageStatus.PENDING);
        for (Stage stage : Stage.WAIT_STAGES) {
            assertThat(samples(replica, stage)).as(stage.wire()).isZero(); // nothing recorded before the start
        }
    }

    @Test
    void aLostInProgressDeliveryIsNotStuckAndItsJobIsLinkedWhenTheLedgerLearnsItsRunner() {
        world("max", "2");
        FleetWorld.Replica replica = replica();
        long job = world.queue(POOL, 1).get(0);
        advance(1);
        quietPass(replica);
        Pod pod = onlyPod();
        awaitRunner(replica, "idle");
        advance(5);
        String runnerName = FleetWorld.runnerName(pod);
        long runnerId = world.github.assign(runnerName); // the in_progress delivery never arrives
        Instant startedAt = world.clock.instant();
        quietPass(replica); // GitHub says busy: marked, but no ledger job names the runner yet
        advance(60);
        quietPass(replica);
        advance(60);
        quietPass(replica); // queued for two minutes, and the pool's busy runner is presumably running it

        advance(30);
        world.github.finish(runnerName);
        kubelet.succeed(pod.getMetadata().getName());
        awaitRunner(replica, "terminating");
        quietPass(replica); // the pod ended and is deleted before the ledger knew its job
        assertThat(samples(replica, Stage.JOB_STARTED)).isZero();

        // the missed-event repair reads the job from GitHub: completed, on that runner
        LedgerJob queued = world.job(job);
        world.ledger.ledger.correct(new JobObservation(
                job,
                job,
                1,
                queued.owner(),
                queued.repository(),
                queued.workflowName(),
                queued.jobName(),
                queued.labels(),
                JobStatus.COMPLETED,
                "success",
                queued.queuedAt(),
                startedAt,
                world.clock.instant(),
                runnerId,
                runnerName,
                null,
                world.clock.instant()));
        advance(31);
        quietPass(replica);

        JobTimeline t = timeline(job);
        assertThat(t.runnerPod()).isEqualTo(pod.getMetadata().getName());
        assertThat(t.stage(Stage.RUNNER_STARTED).at()).isNotNull();
        assertThat(seconds(t, Stage.JOB_STARTED)).isCloseTo(5, within(SLACK));
        assertThat(t.queueWait().total()).isEqualTo(Duration.ofSeconds(6));
        for (Stage stage : List.of(Stage.DELIVERY, Stage.DEMAND_SEEN, Stage.POD_CREATED, Stage.JOB_STARTED)) {
            assertThat(samples(replica, stage)).as(stage.wire()).isEqualTo(1);
        }
        advance(31);
        quietPass(replica);
        assertThat(samples(replica, Stage.JOB_STARTED)).isEqualTo(1);
    }

    @Nested
    class TwoReplicas {

        @Test
        void bothLinkingTheSameJobRecordItsStagesOnce() {
            world();
            FleetWorld.Replica a = replica();
            FleetWorld.Replica b = replica();
            long job = world.queue(POOL, 1).get(0);
            advance(2);
            a.pass();
            b.pass();
            Pod pod = onlyPod();
            awaitRunner(a, "idle");
            awaitRunner(b, "idle");
            advance(3);
            runnerTakes(job, pod);
            for (int i = 0; i < 3; i++) {
                a.pass();
                b.pass();
                advance(3); // past the retry pause: each replica tries to link again
            }

            for (Stage stage : List.of(Stage.DELIVERY, Stage.DEMAND_SEEN, Stage.JOB_STARTED)) {
                assertThat(samples(a, stage) + samples(b, stage))
                        .as(stage.wire())
                        .isEqualTo(1);
            }
            assertThat(part(a, "runner_start").count() + part(b, "runner_start").count())
                    .isEqualTo(1);
            assertThat(queueTimes.job(job).orElseThrow().recordedAt()).isNotNull();
        }
    }
}
