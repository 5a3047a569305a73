package dev.runnerscale.autoscaler.queuetime.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.jobs.JdbcJobLedgers;
import dev.runnerscale.autoscaler.jobs.JobDelivery;
import dev.runnerscale.autoscaler.jobs.JobObservation;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.queuetime.JobTimeline;
import dev.runnerscale.autoscaler.queuetime.Stage;
import dev.runnerscale.autoscaler.queuetime.StageTiming;
import dev.runnerscale.autoscaler.runners.RunnerLifecycleListener.PoolPass;
import dev.runnerscale.autoscaler.runners.RunnerPodFactory;
import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import dev.runnerscale.autoscaler.scaling.ScalingDecision;
import dev.runnerscale.autoscaler.scaling.ScalingDirection;
import dev.runnerscale.autoscaler.scaling.ScalingReason;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The timeline against the real ledger on PostgreSQL, with the recorder told of passes as the reconciler tells it:
 * deliveries in every order, with duplicates and redeliveries, and passes between them, never give a negative or a
 * twice-counted stage; demand-seen stamps are exact however seldom they are written.
 */
class QueueTimeLedgerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Pool POOL =
            TestPools.pool("name", "linux-x64", "labels", "self-hosted,linux,x64", "github.owner", "acme", "max", "3");
    private static final QueueTimeProperties PROPERTIES = new QueueTimeProperties(
            Duration.ofMinutes(5),
            Duration.ofMinutes(1),
            Duration.ofSeconds(15),
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            500);
    private static final AtomicLong JOBS = new AtomicLong(500_000);

    private static JdbcJobLedgers ledgers;
    private static JdbcQueueTimes times;

    @BeforeAll
    static void ledger() {
        ledgers = JdbcJobLedgers.inNewSchema(new PoolsProperties(List.of(POOL)), event -> {});
        times = new JdbcQueueTimes(ledgers.jdbc);
    }

    @AfterAll
    static void close() {
        ledgers.close();
    }

    private static Instant t(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    private static JobObservation observation(long job, JobStatus status, String delivery, Instant received) {
        boolean running = status.rank() >= JobStatus.IN_PROGRESS.rank();
        boolean completed = status == JobStatus.COMPLETED;
        return new JobObservation(
                job,
                job,
                1,
                "acme",
                "app",
                "CI",
                "build",
                List.of("self-hosted", "linux", "x64"),
                status,
                completed ? "success" : null,
                T0,
                running ? t(40) : T0, // GitHub sends started_at = created_at while queued
                completed ? t(100) : null,
                running ? 42L : null,
                running ? runnerName(job) : null,
                delivery,
                received);
    }

    private static String runnerName(long job) {
        return "rs-linux-x64-0-" + Long.toString(job, 36);
    }

    private static void deliver(long job, JobStatus status, String delivery, Instant received) {
        ledgers.ledger.record(List.of(new JobDelivery(
                delivery, status.wire(), observation(job, status, delivery, received), POOL.name(), false)));
    }

    /** The job's runner pod: created at 5 s, registered at 6 s, scheduled at 20 s, its runner started at 30 s. */
    private static Pod pod(long job) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("linux-x64-0")
                .withUid("uid-" + job)
                .addToAnnotations(RunnerPodFactory.RUNNER_NAME_ANNOTATION, runnerName(job))
                .addToAnnotations(RunnerPodFactory.RUNNER_ID_ANNOTATION, "42")
                .addToAnnotations(RunnerPodFactory.REGISTERED_AT_ANNOTATION, t(6).toString())
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-a")
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime(t(20).toString())
                .endCondition()
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName(RunnerPodFactory.RUNNER_CONTAINER)
                        .withState(new ContainerStateBuilder()
                                .withNewRunning()
                                .withStartedAt(t(30).toString())
                                .endRunning()
                                .build())
                        .build())
                .endStatus()
                .build();
    }

    /** What the reconciler tells after a pass at {@code at}: the pod, pending until its runner starts, then busy. */
    private static PoolPass pass(long job, Instant at) {
        PoolJobCounts counts = ledgers.ledger.countsByPool().get(POOL.name());
        RunnerState state = at.isBefore(t(30)) ? RunnerState.PENDING : RunnerState.BUSY;
        ObservedRunner runner = new ObservedRunner("linux-x64-0", 0, state, t(30), true, null, null);
        ScalingDecision decision = new ScalingDecision(
                POOL.name(),
                1,
                1,
                false,
                ScalingDirection.NONE,
                ScalingReason.STEADY,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                at);
        return new PoolPass(POOL, counts, List.of(pod(job)), Map.of("linux-x64-0", runner), decision, at);
    }

    private record Arrival(JobStatus status, String delivery) {}

    /** Every order of queued, in_progress and completed; each also with one delivery repeated (redelivery or not). */
    private static List<List<Arrival>> orderings() {
        List<List<Arrival>> out = new ArrayList<>();
        List<JobStatus> actions = List.of(JobStatus.QUEUED, JobStatus.IN_PROGRESS, JobStatus.COMPLETED);
        for (List<JobStatus> order : permutations(actions)) {
            List<Arrival> plain =
                    order.stream().map(s -> new Arrival(s, s.wire())).toList();
            out.add(plain);
            for (JobStatus repeated : actions) {
                List<Arrival> redelivered = new ArrayList<>(plain);
                redelivered.add(new Arrival(repeated, repeated.wire())); // same X-GitHub-Delivery: a duplicate
                out.add(redelivered);
                List<Arrival> twice = new ArrayList<>(plain);
                twice.add(0, new Arrival(repeated, repeated.wire() + "-again")); // GitHub sent it twice
                out.add(twice);
            }
        }
        return out;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void deliveriesInAnyOrderWithDuplicatesNeverGiveANegativeOrATwiceCountedStage() {
        List<List<Arrival>> orderings = orderings();
        assertThat(orderings).hasSize(6 * 7);
        for (List<Arrival> ordering : orderings) {
            long job = JOBS.incrementAndGet();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            QueueTimeRecorder recorder = new QueueTimeRecorder(
                    times, new QueueTimeMetrics(registry, List.of(POOL.name())), PROPERTIES, NodeCreationTimes.UNKNOWN);
            // a second replica, as during a leader hand-over, passing over the same pool
            SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
            QueueTimeRecorder other = new QueueTimeRecorder(
                    times,
                    new QueueTimeMetrics(otherRegistry, List.of(POOL.name())),
                    PROPERTIES,
                    NodeCreationTimes.UNKNOWN);
            recorder.created(POOL, pod(job), t(5));
            double at = 1;
            for (Arrival arrival : ordering) {
                deliver(job, arrival.status(), job + "-" + arrival.delivery(), t(at));
                at += 12;
                recorder.passed(pass(job, t(at)));
                other.passed(pass(job, t(at + 0.5)));
            }
            for (int i = 0; i < 3; i++) { // later passes, past the retry pause: nothing more is recorded
                at += 3;
                recorder.passed(pass(job, t(at)));
                other.passed(pass(job, t(at)));
            }

            String what = "job " + job + " delivered " + ordering;
            JobTimes row = times.find(job).orElseThrow();
            assertThat(row.queuedAt()).as(what).isEqualTo(T0);
            assertThat(row.startedAt()).as(what).isEqualTo(t(40));
            assertThat(row.timelineRecordedAt()).as(what).isNotNull();
            JobTimeline timeline = JobTimeline.of(row.facts());
            for (StageTiming stage : timeline.stages()) {
                if (stage.duration() != null) {
                    assertThat(stage.duration().isNegative())
                            .as(what + ": " + stage)
                            .isFalse();
                }
            }
            long stageMillis = timeline.waitSamples().values().stream()
                    .mapToLong(Duration::toMillis)
                    .sum();
            assertThat(stageMillis).as(what + ": " + timeline.summary()).isEqualTo(40_000);
            for (Stage stage : Stage.WAIT_STAGES) {
                long samples = count(registry, stage) + count(otherRegistry, stage);
                assertThat(samples)
                        .as(what + ": " + stage.wire())
                        .isEqualTo(timeline.waitSamples().containsKey(stage) ? 1 : 0);
            }
            assertThat(count(registry, Stage.JOB_STARTED) + count(otherRegistry, Stage.JOB_STARTED))
                    .as(what)
                    .isEqualTo(1);
            double recordedSeconds = sum(registry) + sum(otherRegistry);
            assertThat(recordedSeconds).as(what).isEqualTo(40.0);
        }
    }

    private static long count(SimpleMeterRegistry registry, Stage stage) {
        return registry.get(QueueTimeMetrics.STAGE)
                .tags("pool", POOL.name(), "stage", stage.wire())
                .timer()
                .count();
    }

    private static double sum(SimpleMeterRegistry registry) {
        return registry.get(QueueTimeMetrics.STAGE).timers().stream()
                        .mapToDouble(t -> t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                        .sum()
                / 1000;
    }

    @Test
    void aStampWrittenLaterCarriesTheFirstPassThatCouldHaveSeenEachJob() {
        long first = JOBS.incrementAndGet();
        long second = JOBS.incrementAndGet();
        QueueTimeRecorder recorder = new QueueTimeRecorder(
                times,
                new QueueTimeMetrics(new SimpleMeterRegistry(), List.of(POOL.name())),
                PROPERTIES,
                NodeCreationTimes.UNKNOWN);
        Instant base = Instant.parse("2026-11-22T10:00:00Z");
        ledgers.ledger.record(List.of(stamped(first, base.plusMillis(1000))));
        recorder.passed(quietPass(base.plusMillis(2000))); // stamps at once: the first stamp
        ledgers.ledger.record(List.of(stamped(second, base.plusMillis(2100))));
        recorder.passed(quietPass(base.plusMillis(2200))); // within the stamp interval: remembered, not written
        recorder.passed(quietPass(base.plusMillis(2500)));
        assertThat(times.find(second).orElseThrow().demandSeenAt()).isNull();
        recorder.passed(quietPass(base.plusMillis(3300))); // the next stamp

        assertThat(times.find(first).orElseThrow().demandSeenAt()).isEqualTo(base.plusMillis(2000));
        assertThat(times.find(second).orElseThrow().demandSeenAt()).isEqualTo(base.plusMillis(2200));
    }

    private static JobDelivery stamped(long job, Instant received) {
        JobObservation o = observation(job, JobStatus.QUEUED, job + "-q", received);
        return new JobDelivery(job + "-q", "queued", o, POOL.name(), false);
    }

    private static PoolPass quietPass(Instant at) {
        PoolJobCounts counts = ledgers.ledger.countsByPool().get(POOL.name());
        ScalingDecision decision = new ScalingDecision(
                POOL.name(),
                0,
                0,
                false,
                ScalingDirection.NONE,
                ScalingReason.STEADY,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                at);
        return new PoolPass(POOL, counts, List.of(), Map.of(), decision, at);
    }
}
