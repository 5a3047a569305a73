package dev.runnerscale.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final ScalingPolicy policy = new ScalingPolicy(Clock.fixed(NOW, ZoneOffset.UTC));

    private static PoolLimits limits(int minIdle, int max) {
        return new PoolLimits(
                "linux", minIdle, max, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(3));
    }

    private static ObservedRunner runner(int slot, RunnerState state, Duration ago) {
        return new ObservedRunner("linux-" + slot, slot, state, NOW.minus(ago));
    }

    private static ObservedRunner ended(int slot, RunnerState state, boolean tookJob, Integer exitCode, String reason) {
        return new ObservedRunner(
                "linux-" + slot, slot, state, NOW.minusSeconds(1), tookJob, new RunnerExit(exitCode, reason), null);
    }

    private ScalingDecision decide(PoolLimits limits, long queued, long inProgress, List<ObservedRunner> runners) {
        return policy.decide(new PoolSnapshot(limits, queued, inProgress, runners, null, null));
    }

    @Nested
    class ScaleUp {

        @Test
        void createsOneRunnerPerQueuedJobInTheLowestFreeSlots() {
            ScalingDecision d =
                    decide(limits(0, 10), 3, 0, List.of(runner(1, RunnerState.BUSY, Duration.ofMinutes(1))));

            assertThat(d.desired()).isEqualTo(4); // 1 busy + 3 queued
            assertThat(d.slotsToCreate()).containsExactly(0, 2, 3);
            assertThat(d.direction()).isEqualTo(ScalingDirection.UP);
            assertThat(d.reason()).isEqualTo(ScalingReason.QUEUED_JOBS);
        }

        @Test
        void neverPlansASlotAtOrAboveMaxWhateverTheDemand() {
            ScalingDecision d = decide(limits(0, 10), 500, 0, List.of());

            assertThat(d.desired()).isEqualTo(10);
            assertThat(d.capped()).isTrue();
            assertThat(d.slotsToCreate()).hasSize(10).allMatch(s -> s >= 0 && s < 10);
        }

        @Test
        void countsInProgressJobsAsBusyWhenGitHubHasNotReportedTheRunnerBusyYet() {
            List<ObservedRunner> runners = List.of(runner(0, RunnerState.IDLE, Duration.ofMinutes(1)));

            ScalingDecision d = decide(limits(0, 10), 1, 1, runners);

            assertThat(d.desired()).isEqualTo(2); // max(0 busy runners, 1 in progress) + 1 queued
            assertThat(d.slotsToCreate()).containsExactly(1);
        }

        @Test
        void keepsMinIdleWarmRunnersWithoutDemand() {
            ScalingDecision d = decide(limits(2, 10), 0, 0, List.of());

            assertThat(d.desired()).isEqualTo(2);
            assertThat(d.slotsToCreate()).containsExactly(0, 1);
            assertThat(d.reason()).isEqualTo(ScalingReason.MIN_IDLE);
        }

        @Test
        void doesNotCreateWhilePendingPodsAlreadyCoverTheDemand() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.PENDING, Duration.ofSeconds(5)),
                    runner(1, RunnerState.PENDING, Duration.ofSeconds(5)));

            ScalingDecision d = decide(limits(0, 10), 2, 0, runners);

            assertThat(d.slotsToCreate()).isEmpty();
            assertThat(d.reason()).isEqualTo(ScalingReason.STEADY);
        }

        @Test
        void holdsCreationDuringTheFailureBackOff() {
            ScalingDecision d =
                    policy.decide(new PoolSnapshot(limits(0, 10), 2, 0, List.of(), NOW.plusSeconds(4), null));

            assertThat(d.slotsToCreate()).isEmpty();
            assertThat(d.reason()).isEqualTo(ScalingReason.FAILURE_BACKOFF);
        }
    }

    @Nested
    class FailedAndStuck {

        @Test
        void failedPodsDoNotCountAndAreDeletedWhileTheirSlotStaysTakenThisPass() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.FAILED, Duration.ofSeconds(1)),
                    runner(1, RunnerState.BUSY, Duration.ofMinutes(1)));

            ScalingDecision d = decide(limits(0, 3), 1, 1, runners);

            assertThat(d.active()).isEqualTo(1);
            assertThat(d.podsToDelete()).containsExactly("linux-0");
            assertThat(d.registrationFailures()).containsExactly("linux-0");
            assertThat(d.slotsToCreate()).containsExactly(2);
        }

        @Test
        void podPendingPastThePendingTimeoutIsDeletedAndNotCounted() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.PENDING, Duration.ofMinutes(5)),
                    runner(1, RunnerState.PENDING, Duration.ofMinutes(4)));

            ScalingDecision d = decide(limits(0, 2), 2, 0, runners);

            assertThat(d.podsToDelete()).containsExactly("linux-0");
            assertThat(d.active()).isEqualTo(1);
            assertThat(d.slotsToCreate()).isEmpty(); // both slots taken until the stuck pod is gone
            assertThat(d.reason()).isEqualTo(ScalingReason.QUEUED_JOBS);
        }

        @Test
        void aRunnerThatRanItsJobIsDeletedToFreeItsSlotAndResetsTheBackOff() {
            ScalingDecision d =
                    decide(limits(0, 2), 0, 0, List.of(ended(0, RunnerState.SUCCEEDED, true, 0, "Completed")));

            assertThat(d.podsToDelete()).containsExactly("linux-0");
            assertThat(d.completedRunners()).containsExactly("linux-0");
            assertThat(d.registrationFailures()).isEmpty();
            assertThat(d.desired()).isZero();
        }

        @Test
        void aRunnerThatExitedZeroWithoutEverTakingAJobFailedToRegister() {
            // run.sh exits 0 for a refused registration, a deleted runner, a session conflict, a deprecated version
            ScalingDecision d =
                    decide(limits(0, 2), 1, 0, List.of(ended(0, RunnerState.SUCCEEDED, false, 0, "Completed")));

            assertThat(d.registrationFailures()).containsExactly("linux-0");
            assertThat(d.completedRunners()).isEmpty();
            assertThat(d.reason()).isEqualTo(ScalingReason.QUEUED_JOBS);
        }

        @Test
        void aJobsOomKillOrEvictionIsReportedButIsNotARegistrationFailure() {
            List<ObservedRunner> runners = List.of(
                    ended(0, RunnerState.FAILED, true, 137, "OOMKilled"),
                    ended(1, RunnerState.FAILED, true, null, "Evicted"));

            ScalingDecision d = decide(limits(0, 3), 0, 0, runners);

            assertThat(d.jobFailures()).containsExactly("linux-0", "linux-1");
            assertThat(d.completedRunners()).containsExactly("linux-0", "linux-1");
            assertThat(d.registrationFailures()).isEmpty();
            assertThat(d.podsToDelete()).containsExactly("linux-0", "linux-1");
        }

        @Test
        void aRegisteredRunnerOfflineOnGitHubPastTheGraceIsReplacedAndNotCounted() {
            ObservedRunner offlineLong = runner(0, RunnerState.IDLE, Duration.ofMinutes(10))
                    .withOfflineSince(NOW.minus(Duration.ofMinutes(3)));
            ObservedRunner offlineBriefly = runner(1, RunnerState.IDLE, Duration.ofMinutes(10))
                    .withOfflineSince(NOW.minus(Duration.ofMinutes(1)));
            // started a minute ago: the grace runs from its start, however long GitHub listed it offline before
            ObservedRunner justStarted = runner(2, RunnerState.IDLE, Duration.ofMinutes(1))
                    .withOfflineSince(NOW.minus(Duration.ofMinutes(30)));

            ScalingDecision d = decide(limits(0, 5), 3, 0, List.of(offlineLong, offlineBriefly, justStarted));

            assertThat(d.offlineRunners()).containsExactly("linux-0");
            assertThat(d.registrationFailures()).containsExactly("linux-0");
            assertThat(d.podsToDelete()).containsExactly("linux-0");
            assertThat(d.active()).isEqualTo(2);
            assertThat(d.slotsToCreate()).containsExactly(3); // slot 0 stays taken until its pod is gone
        }

        @Test
        void noPodIsCreatedWhileGitHubCannotRegisterTheRunner() {
            ScalingDecision d =
                    policy.decide(new PoolSnapshot(limits(0, 10), 3, 0, List.of(), null, NOW.plusSeconds(30)));

            assertThat(d.slotsToCreate()).isEmpty();
            assertThat(d.desired()).isEqualTo(3);
            assertThat(d.reason()).isEqualTo(ScalingReason.REGISTRATION_HELD);

            ScalingDecision after =
                    policy.decide(new PoolSnapshot(limits(0, 10), 3, 0, List.of(), null, NOW.minusSeconds(1)));
            assertThat(after.slotsToCreate()).containsExactly(0, 1, 2);
        }

        @Test
        void terminatingPodsOccupyTheirSlotAndDoNotCount() {
            ScalingDecision d =
                    decide(limits(0, 1), 1, 0, List.of(runner(0, RunnerState.TERMINATING, Duration.ofSeconds(1))));

            assertThat(d.active()).isZero();
            assertThat(d.slotsToCreate()).isEmpty();
            assertThat(d.podsToDelete()).isEmpty();
        }
    }

    @Nested
    class Misplaced {

        @Test
        void anIdleRunnerOrAPendingPodOnANodeGoingAwayIsNoCapacityAndIsReplacedABusyOneKeepsCounting() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.IDLE, Duration.ofMinutes(1)).asMisplaced(),
                    runner(1, RunnerState.PENDING, Duration.ofSeconds(20)).asMisplaced(),
                    runner(2, RunnerState.BUSY, Duration.ofMinutes(4)).asMisplaced(),
                    runner(3, RunnerState.IDLE, Duration.ofMinutes(1)));

            // min-idle 2 and one busy runner: three wanted, and only the busy one and slot 3 count
            ScalingDecision d = decide(limits(2, 6), 0, 1, runners);

            assertThat(d.desired()).isEqualTo(3);
            assertThat(d.active()).isEqualTo(2);
            assertThat(d.podsToReplace()).containsExactly("linux-0", "linux-1");
            assertThat(d.podsToDelete()).isEmpty();
            assertThat(d.podsToRetire()).isEmpty();
            assertThat(d.slotsToCreate()).containsExactly(4);
            assertThat(d.reason()).isEqualTo(ScalingReason.REPLACE_MISPLACED);
        }

        @Test
        void aMisplacedIdleRunnerNobodyNeedsGoesWithoutAReplacementAndIsNeverAlsoRetiredForIdling() {
            ScalingDecision d = decide(
                    limits(0, 3),
                    0,
                    0,
                    List.of(runner(0, RunnerState.IDLE, Duration.ofHours(1)).asMisplaced()));

            assertThat(d.desired()).isZero();
            assertThat(d.podsToReplace()).containsExactly("linux-0");
            assertThat(d.podsToRetire()).isEmpty();
            assertThat(d.slotsToCreate()).isEmpty();
        }

        @Test
        void queuedJobsStayTheReasonWhenThereAreAny() {
            ScalingDecision d = decide(
                    limits(0, 3),
                    1,
                    0,
                    List.of(runner(0, RunnerState.IDLE, Duration.ofMinutes(1)).asMisplaced()));

            assertThat(d.podsToReplace()).containsExactly("linux-0");
            assertThat(d.slotsToCreate()).containsExactly(1);
            assertThat(d.reason()).isEqualTo(ScalingReason.QUEUED_JOBS);
        }
    }

    @Nested
    class ScaleDown {

        @Test
        void retiresOnlyIdleRunnersPastTheIdleTimeoutLongestIdleFirst() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.IDLE, Duration.ofMinutes(11)),
                    runner(1, RunnerState.IDLE, Duration.ofMinutes(30)),
                    runner(2, RunnerState.IDLE, Duration.ofMinutes(2)),
                    runner(3, RunnerState.BUSY, Duration.ofHours(2)));

            ScalingDecision d = decide(limits(0, 10), 0, 1, runners);

            assertThat(d.desired()).isEqualTo(1);
            assertThat(d.podsToRetire()).containsExactly("linux-1", "linux-0");
            assertThat(d.direction()).isEqualTo(ScalingDirection.DOWN);
            assertThat(d.reason()).isEqualTo(ScalingReason.IDLE_TIMEOUT);
        }

        @Test
        void neverRetiresABusyRunnerEvenFarAboveDesired() {
            List<ObservedRunner> runners = new ArrayList<>();
            for (int slot = 0; slot < 5; slot++) {
                runners.add(runner(slot, RunnerState.BUSY, Duration.ofHours(3)));
            }

            ScalingDecision d = decide(limits(0, 10), 0, 0, runners);

            assertThat(d.podsToRetire()).isEmpty();
            assertThat(d.desired()).isEqualTo(5); // busy runners are demand
        }

        @Test
        void keepsMinIdleRunnersPastTheIdleTimeout() {
            List<ObservedRunner> runners = List.of(
                    runner(0, RunnerState.IDLE, Duration.ofHours(1)),
                    runner(1, RunnerState.IDLE, Duration.ofHours(1)),
                    runner(2, RunnerState.IDLE, Duration.ofHours(1)));

            ScalingDecision d = decide(limits(2, 10), 0, 0, runners);

            assertThat(d.podsToRetire()).hasSize(1);
        }

        @Test
        void keepsIdleRunnersThatHaveNotReachedTheIdleTimeout() {
            ScalingDecision d =
                    decide(limits(0, 10), 0, 0, List.of(runner(0, RunnerState.IDLE, Duration.ofMinutes(9))));

            assertThat(d.podsToRetire()).isEmpty();
            assertThat(d.reason()).isEqualTo(ScalingReason.STEADY);
        }
    }

    @Test
    void theSameSnapshotGivesTheSameDecision() {
        PoolSnapshot snapshot = new PoolSnapshot(
                limits(1, 10), 4, 2, List.of(runner(3, RunnerState.IDLE, Duration.ofMinutes(1))), null, null);

        assertThat(policy.decide(snapshot)).isEqualTo(policy.decide(snapshot));
    }

    @Test
    void refusesLimitsWithMinIdleAboveMax() {
        assertThatThrownBy(() -> limits(5, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Backoff {

        @Test
        void doublesPerConsecutiveFailureUpToTheMaximumAndResetsOnSuccess() {
            Duration initial = Duration.ofSeconds(1);
            Duration max = Duration.ofMinutes(5);

            FailureBackoff one = FailureBackoff.NONE.afterFailures(1, NOW, initial, max);
            FailureBackoff three = one.afterFailures(2, NOW, initial, max);
            FailureBackoff many = three.afterFailures(40, NOW, initial, max);

            assertThat(one.heldUntil()).isEqualTo(NOW.plusSeconds(1));
            assertThat(three.heldUntil()).isEqualTo(NOW.plusSeconds(4));
            assertThat(many.heldUntil()).isEqualTo(NOW.plus(max));
            assertThat(many.afterSuccess()).isEqualTo(FailureBackoff.NONE);
        }
    }
}
