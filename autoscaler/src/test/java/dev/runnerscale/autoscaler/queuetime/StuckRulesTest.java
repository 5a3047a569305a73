package dev.runnerscale.autoscaler.queuetime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.scaling.ObservedRunner;
import dev.runnerscale.autoscaler.scaling.RunnerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StuckRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-03T09:00:00Z");
    private final StuckRules rules = new StuckRules(Duration.ofMinutes(5), Duration.ofMinutes(1));

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static ObservedRunner runner(String pod, RunnerState state, Instant since, Instant offlineSince) {
        return new ObservedRunner(pod, 0, state, since, false, null, offlineSince);
    }

    private static StuckRules.PoolFacts pool(
            List<ObservedRunner> runners, long queued, long inProgress, int active, boolean creating, Instant at) {
        Set<String> registered = Set.of("p-0", "p-1");
        return new StuckRules.PoolFacts("p", 3, runners, registered, queued, inProgress, active, creating, at);
    }

    @Test
    void anIdleRegisteredRunnerUnusedForTheConfirmTimeIsTheReason() {
        var idle = runner("p-0", RunnerState.IDLE, t(0), null);

        assertThat(rules.judge(pool(List.of(idle), 1, 0, 1, false, t(30))).reason())
                .as("idle for 30 s: GitHub may be handing it the job")
                .isEmpty();
        assertThat(rules.judge(pool(List.of(idle), 1, 0, 1, false, t(60))).reason())
                .contains(StuckReason.IDLE_RUNNER_UNUSED);
    }

    @Test
    void anUnregisteredIdleRunnerDoesNotCount() {
        var dryRun = runner("p-9", RunnerState.IDLE, t(0), null);

        assertThat(rules.judge(pool(List.of(dryRun), 1, 0, 1, false, t(600))).reason())
                .isEmpty();
    }

    @Test
    void aRunnerOfflineForTheConfirmTimeComesFirst() {
        var offline = runner("p-0", RunnerState.IDLE, t(0), t(20));
        var idle = runner("p-1", RunnerState.IDLE, t(0), null);

        assertThat(rules.judge(pool(List.of(offline, idle), 1, 0, 2, false, t(70)))
                        .reason())
                .as("offline only 50 s: the idle one is the reason so far")
                .contains(StuckReason.IDLE_RUNNER_UNUSED);
        assertThat(rules.judge(pool(List.of(offline, idle), 1, 0, 2, false, t(80)))
                        .reason())
                .contains(StuckReason.RUNNER_OFFLINE);
    }

    @Test
    void noPodPendingBelowMaxMustHoldForTheConfirmTime() {
        var busy = runner("p-0", RunnerState.BUSY, t(0), null);

        assertThat(rules.judge(pool(List.of(busy), 1, 1, 1, false, t(0))).reason())
                .isEmpty();
        assertThat(rules.judge(pool(List.of(busy), 1, 1, 1, false, t(59))).reason())
                .isEmpty();
        assertThat(rules.judge(pool(List.of(busy), 1, 1, 1, false, t(60))).reason())
                .contains(StuckReason.NO_POD_PENDING);
        // a pod being created resets it
        assertThat(rules.judge(pool(List.of(busy), 1, 1, 1, true, t(61))).reason())
                .isEmpty();
        assertThat(rules.judge(pool(List.of(busy), 1, 1, 1, false, t(100))).reason())
                .isEmpty();
    }

    @Test
    void atMaxOrWithAPodPendingNothingIsStuck() {
        var pending = runner("p-0", RunnerState.PENDING, t(0), null);
        var busy = runner("p-1", RunnerState.BUSY, t(0), null);

        rules.judge(pool(List.of(pending), 1, 0, 1, false, t(0)));
        assertThat(rules.judge(pool(List.of(pending), 1, 0, 1, false, t(600))).reason())
                .isEmpty();
        StuckRules atMax = new StuckRules(Duration.ofMinutes(5), Duration.ofMinutes(1));
        var facts = new StuckRules.PoolFacts("p", 1, List.of(busy), Set.of("p-1"), 3, 1, 1, false, t(0));
        atMax.judge(facts);
        assertThat(atMax.judge(new StuckRules.PoolFacts("p", 1, List.of(busy), Set.of("p-1"), 3, 1, 1, false, t(600)))
                        .reason())
                .isEmpty();
    }

    @Test
    void queuedJobsThatARunnerGitHubReportsBusyIsProbablyRunningAreNotStuck() {
        // GitHub says the runner is busy; the ledger has no in-progress job: its in_progress delivery is missing
        var busy = runner("p-0", RunnerState.BUSY, t(0), null);
        rules.judge(pool(List.of(busy), 1, 0, 1, false, t(0)));

        StuckRules.Verdict verdict = rules.judge(pool(List.of(busy), 1, 0, 1, false, t(600)));
        assertThat(verdict.reason()).isEmpty();
        assertThat(verdict.presumedRunning()).isEqualTo(1);

        // two queued, one probably running: the other is stuck, the oldest is presumed to be the running one
        StuckRules.Verdict two = rules.judge(pool(List.of(busy), 2, 0, 1, false, t(601)));
        assertThat(two.reason()).contains(StuckReason.NO_POD_PENDING);
        assertThat(rules.stuckJobs(
                        two, List.of(new StuckRules.QueuedJob(1, t(0)), new StuckRules.QueuedJob(2, t(10))), t(601)))
                .containsExactly(2L);
    }

    @Test
    void onlyJobsQueuedForTheThresholdAreStuck() {
        StuckRules.Verdict verdict = new StuckRules.Verdict(Optional.of(StuckReason.IDLE_RUNNER_UNUSED), 0);
        List<StuckRules.QueuedJob> queued = List.of(
                new StuckRules.QueuedJob(1, t(0)),
                new StuckRules.QueuedJob(2, t(100)),
                new StuckRules.QueuedJob(3, t(400)));

        assertThat(rules.stuckJobs(verdict, queued, t(400))).containsExactly(1L, 2L);
        assertThat(rules.stuckJobs(new StuckRules.Verdict(Optional.empty(), 0), queued, t(4000)))
                .isEmpty();
    }
}
