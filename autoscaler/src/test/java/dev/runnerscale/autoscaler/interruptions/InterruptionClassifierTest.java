package dev.runnerscale.autoscaler.interruptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.interruptions.InterruptionClassifier.Taint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterruptionClassifierTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "aws-node-termination-handler/spot-itn, SPOT_INTERRUPTION",
        "aws-node-termination-handler/rebalance-recommendation, REBALANCE_RECOMMENDATION",
        "aws-node-termination-handler/asg-lifecycle-termination, ASG_TERMINATION",
        "aws-node-termination-handler/scheduled-maintenance, SCHEDULED_MAINTENANCE",
        "karpenter.sh/disrupted, KARPENTER_DISRUPTED",
        "karpenter.sh/disruption, KARPENTER_DISRUPTED"
    })
    void readsTheTaintsTerminationHandlerAndKarpenterPut(String key, NoticeKind kind) {
        assertThat(InterruptionClassifier.fromTaints("n", List.of(new Taint(key, "evt-1", "NoSchedule"))))
                .hasValue(new NodeNotice("n", kind, key));
    }

    @Test
    void anInterruptionWinsOverAnEarlierRebalanceRecommendation() {
        assertThat(InterruptionClassifier.fromTaints(
                                "n",
                                List.of(
                                        new Taint(
                                                "aws-node-termination-handler/rebalance-recommendation",
                                                "a",
                                                "NoSchedule"),
                                        new Taint("aws-node-termination-handler/spot-itn", "b", "NoSchedule")))
                        .orElseThrow()
                        .kind())
                .isEqualTo(NoticeKind.SPOT_INTERRUPTION);
    }

    @Test
    void ourOwnAndOrdinaryTaintsAreNoNotice() {
        assertThat(InterruptionClassifier.fromTaints(
                        "n",
                        List.of(
                                new Taint("runnerscale.dev/runners", "true", "NoSchedule"),
                                new Taint("node.kubernetes.io/unschedulable", "", "NoSchedule"),
                                new Taint("karpenter.sh/unregistered", "", "NoExecute"))))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "Terminating, true",
        "Terminating:Wait, true",
        "Terminating:Proceed, true",
        "InService, false",
        "Pending:Wait, false",
        "Standby, false"
    })
    void anInstanceTheGroupIsTerminatingIsANotice(String state, boolean notice) {
        assertThat(InterruptionClassifier.fromLifecycle("n", state).isPresent()).isEqualTo(notice);
    }

    @Test
    void reRunOnlyAnInterruptedJobThatFailedOrWasCancelledAndOnlyOnce() {
        assertThat(RerunRule.eligible(new RerunRule.InterruptedJob(1, true, "failure", false)))
                .hasValue("failure");
        assertThat(RerunRule.eligible(new RerunRule.InterruptedJob(1, true, "cancelled", false)))
                .hasValue("cancelled");
        assertThat(RerunRule.eligible(new RerunRule.InterruptedJob(1, true, "success", false)))
                .isEmpty();
        assertThat(RerunRule.eligible(new RerunRule.InterruptedJob(1, false, null, false)))
                .isEmpty();
        assertThat(RerunRule.eligible(new RerunRule.InterruptedJob(1, true, "failure", true)))
                .isEmpty();
    }
}
