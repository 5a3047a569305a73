package dev.runnerscale.autoscaler.queuetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JobTimelineTest {

    private static final Instant T0 = Instant.parse("2026-11-03T09:00:00Z");

    private static Instant t(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** A job that ran, with every stage known, the pod's stages in seconds after T0. */
    private static TimelineFacts started(
            double received,
            double demandSeen,
            double created,
            double scheduled,
            double registered,
            double runnerStarted,
            double jobStarted) {
        return new TimelineFacts(
                T0,
                t(received),
                t(demandSeen),
                t(created),
                t(scheduled),
                Boolean.TRUE,
                t(registered),
                t(runnerStarted),
                t(jobStarted),
                null,
                true,
                false,
                true,
                "linux-x64-0",
                Duration.ofSeconds(20));
    }

    private static double seconds(JobTimeline t, Stage stage) {
        return t.stage(stage).duration().toMillis() / 1000.0;
    }

    @Nested
    class ColdStart {

        @Test
        void everyStageIsMeasuredFromTheEndOfTheOneBeforeAndTheyAddUpToTheWait() {
            JobTimeline t = JobTimeline.of(started(0.4, 0.45, 0.5, 60.5, 1.0, 75.0, 82.0));

            assertThat(t.warmRunner()).isFalse();
            assertThat(t.newNode()).isTrue();
            assertThat(t.runnerPod()).isEqualTo("linux-x64-0");
            assertThat(t.stage(Stage.QUEUED).status()).isEqualTo(StageStatus.ORIGIN);
            assertThat(seconds(t, Stage.DELIVERY)).isEqualTo(0.4);
            assertThat(seconds(t, Stage.DEMAND_SEEN)).isEqualTo(0.05);
            assertThat(seconds(t, Stage.POD_CREATED)).isEqualTo(0.05);
            // registration (1.0) finished while the pod waited for its node (60.5): it added no wait of its own
            assertThat(seconds(t, Stage.POD_SCHEDULED)).isEqualTo(60.0);
            assertThat(t.stage(Stage.RUNNER_REGISTERED).status()).isEqualTo(StageStatus.CLAMPED);
            assertThat(t.stage(Stage.RUNNER_REGISTERED).reason()).isEqualTo(JobTimeline.OVERLAPPED);
            assertThat(seconds(t, Stage.RUNNER_STARTED)).isEqualTo(14.5);
            assertThat(seconds(t, Stage.JOB_STARTED)).isEqualTo(7.0);
            assertThat(t.waitSamples().values().stream()
                            .mapToLong(Duration::toMillis)
                            .sum())
                    .isEqualTo(82_000);
            assertThat(t.queueWait().total()).isEqualTo(Duration.ofSeconds(82));
            assertThat(t.queueWait().capacity()).isEqualTo(Duration.ofSeconds(20));
            assertThat(t.queueWait().runnerStart()).isEqualTo(Duration.ofSeconds(62));
            assertThat(t.stage(Stage.COMPLETED).status()).isEqualTo(StageStatus.PENDING);
        }

        @Test
        void aSlowRegistrationIsItsOwnStageNotASlowStart() {
            JobTimeline t = JobTimeline.of(started(0.2, 0.3, 0.3, 0.4, 30.0, 33.0, 35.0));

            assertThat(seconds(t, Stage.POD_SCHEDULED)).isEqualTo(0.1);
            assertThat(seconds(t, Stage.RUNNER_REGISTERED)).isEqualTo(29.6);
            assertThat(seconds(t, Stage.RUNNER_STARTED)).isEqualTo(3.0);
        }
    }

    @Test
    void aWarmRunnersJobSkipsThePodStagesAndSaysSo() {
        // the runner was running an hour before the job was delivered
        JobTimeline t = JobTimeline.of(started(0.5, 0.52, -3600, -3590, -3595, -3580, 2.0));

        assertThat(t.warmRunner()).isTrue();
        for (Stage stage : Stage.POD_STAGES) {
            assertThat(t.stage(stage).status()).as(stage.wire()).isEqualTo(StageStatus.SKIPPED);
            assertThat(t.stage(stage).reason()).isEqualTo(JobTimeline.WARM_RUNNER);
            assertThat(t.stage(stage).duration()).isNull();
        }
        assertThat(t.waitSamples()).containsOnlyKeys(Stage.DELIVERY, Stage.DEMAND_SEEN, Stage.JOB_STARTED);
        assertThat(seconds(t, Stage.JOB_STARTED)).isEqualTo(1.48);
    }

    @Test
    void aPodMadeForEarlierDemandOverlapsThisJobsWait() {
        // created before this job was delivered (for another job), started after it
        JobTimeline t = JobTimeline.of(started(1.0, 1.02, -5.0, -4.9, -4.5, 4.0, 6.0));

        assertThat(t.warmRunner()).isFalse();
        assertThat(t.stage(Stage.POD_CREATED).reason()).isEqualTo(JobTimeline.OVERLAPPED);
        assertThat(t.stage(Stage.POD_SCHEDULED).reason()).isEqualTo(JobTimeline.OVERLAPPED);
        assertThat(seconds(t, Stage.RUNNER_STARTED)).isEqualTo(2.98);
    }

    @Nested
    class Clocks {

        @Test
        void aDeliveryBeforeGitHubsCreationTimeIsClockSkewNotANegativeStage() {
            JobTimeline t = JobTimeline.of(started(-0.8, 0.1, 0.2, 0.3, 0.5, 5.0, 6.0));

            assertThat(t.stage(Stage.DELIVERY).status()).isEqualTo(StageStatus.CLAMPED);
            assertThat(t.stage(Stage.DELIVERY).reason()).isEqualTo(JobTimeline.CLOCK_SKEW);
            assertThat(t.stage(Stage.DELIVERY).duration()).isZero();
            assertThat(seconds(t, Stage.DEMAND_SEEN)).isEqualTo(0.1);
        }

        @Test
        void aRunnerStartedAfterGitHubStartedItsJobIsClockSkew() {
            JobTimeline t = JobTimeline.of(started(0.2, 0.3, 0.4, 0.5, 0.6, 9.0, 8.0));

            assertThat(t.stage(Stage.RUNNER_STARTED).reason()).isEqualTo(JobTimeline.CLOCK_SKEW);
            assertThat(seconds(t, Stage.JOB_STARTED)).isEqualTo(7.4);
            assertThat(t.waitSamples().values().stream()
                            .mapToLong(Duration::toMillis)
                            .sum())
                    .isEqualTo(8_000);
        }

        @Test
        void aPassOrADeliveryAfterTheStartAddedNoWait() {
            // in_progress arrived first (queued lost), GitHub had started the job on a warm runner already
            TimelineFacts f = new TimelineFacts(
                    T0, t(9), null, null, null, null, null, null, t(4), null, true, false, false, null, null);
            JobTimeline t = JobTimeline.of(f);

            assertThat(t.stage(Stage.DELIVERY).status()).isEqualTo(StageStatus.CLAMPED);
            assertThat(t.stage(Stage.DELIVERY).reason()).isEqualTo(JobTimeline.AFTER_START);
            assertThat(t.stage(Stage.DEMAND_SEEN).reason()).isEqualTo(JobTimeline.NOT_SEEN_QUEUED);
            assertThat(t.stage(Stage.POD_CREATED).reason()).isEqualTo(JobTimeline.NOT_LINKED);
            assertThat(seconds(t, Stage.JOB_STARTED)).isEqualTo(4.0);
            assertThat(t.queueWait().total()).isEqualTo(Duration.ofSeconds(4));
            assertThat(t.queueWait().capacity()).isNull();
        }
    }

    @Test
    void aQueuedJobsLaterStagesArePending() {
        TimelineFacts f = new TimelineFacts(
                T0, t(0.3), t(0.35), null, null, null, null, null, null, null, false, false, false, null, null);
        JobTimeline t = JobTimeline.of(f);

        assertThat(t.stage(Stage.DEMAND_SEEN).status()).isEqualTo(StageStatus.MEASURED);
        for (Stage stage : List.of(Stage.POD_CREATED, Stage.RUNNER_STARTED, Stage.JOB_STARTED, Stage.COMPLETED)) {
            assertThat(t.stage(stage).status()).as(stage.wire()).isEqualTo(StageStatus.PENDING);
        }
        assertThat(t.queueWait()).isNull();
    }

    @Test
    void aJobCancelledWhileQueuedNeverRanAndHasNoQueueWait() {
        // GitHub's completed delivery of a cancelled queued job carries a started_at but no runner
        TimelineFacts f = new TimelineFacts(
                T0, t(0.3), t(0.35), null, null, null, null, null, t(60), t(60), false, true, false, null, null);
        JobTimeline t = JobTimeline.of(f);

        assertThat(t.stage(Stage.JOB_STARTED).reason()).isEqualTo(JobTimeline.NEVER_RAN);
        assertThat(t.stage(Stage.COMPLETED).status()).isEqualTo(StageStatus.SKIPPED);
        assertThat(t.queueWait()).isNull();
        assertThat(t.waitSamples()).containsOnlyKeys(Stage.DELIVERY, Stage.DEMAND_SEEN);
    }

    @Test
    void whateverTheInstantsNoStageIsNegativeAndAStartedJobsStagesAddUpToItsWait() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant[] at = new Instant[8];
            for (int k = 0; k < at.length; k++) {
                at[k] = random.nextInt(6) == 0 ? null : t(random.nextInt(200) - 50);
            }
            boolean ran = random.nextBoolean() && at[7] != null;
            boolean linked = random.nextBoolean();
            Instant queued = at[0];
            Instant received = at[1] != null ? at[1] : t(1); // the ledger always has a first receipt
            TimelineFacts f = new TimelineFacts(
                    queued,
                    received,
                    at[2],
                    linked ? at[3] : null,
                    linked ? at[4] : null,
                    null,
                    linked ? at[5] : null,
                    linked ? at[6] : null,
                    ran ? at[7] : null,
                    null,
                    ran,
                    false,
                    linked,
                    linked ? "p-0" : null,
                    Duration.ofSeconds(random.nextInt(300)));
            JobTimeline t = JobTimeline.of(f);
            List<Duration> durations = new ArrayList<>();
            t.stages().forEach(s -> {
                if (s.duration() != null) {
                    assertThat(s.duration().isNegative())
                            .as("%s of %s", s.stage(), f)
                            .isFalse();
                }
                if (s.status() == StageStatus.CLAMPED) {
                    assertThat(s.reason()).isNotNull();
                }
            });
            durations.addAll(t.waitSamples().values());
            if (ran) {
                Instant origin = queued != null ? queued : received;
                long wait = Math.max(0, Duration.between(origin, f.startedAt()).toMillis());
                assertThat(durations.stream().mapToLong(Duration::toMillis).sum())
                        .as("stages of %s", f)
                        .isEqualTo(wait);
                assertThat(t.queueWait().total().toMillis()).isEqualTo(wait);
                assertThat(t.queueWait().capacity().plus(t.queueWait().runnerStart()))
                        .isEqualTo(t.queueWait().total());
                assertThat(t.queueWait().capacity().isNegative()).isFalse();
            }
        }
    }
}
