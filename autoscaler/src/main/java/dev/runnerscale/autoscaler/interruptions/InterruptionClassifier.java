package dev.runnerscale.autoscaler.interruptions;

import java.util.List;
import java.util.Optional;

/**
 * Reads interruption and rebalance notices from what other controllers put on a node (plain Java; keys verified in
 * their sources, see docs/architecture.md "Interruptions"). The first matching taint in {@link #TAINT_KEYS} order
 * wins, so a node that first got a rebalance recommendation and then the interruption warning reads as
 * interrupted.
 */
public final class InterruptionClassifier {

    /** A taint as the node carries it (effect is not used: aws-node-termination-handler's is configurable). */
    public record Taint(String key, String value, String effect) {}

    /** Taint keys in order of precedence, with what each means. */
    static final List<java.util.Map.Entry<String, NoticeKind>> TAINT_KEYS = List.of(
            java.util.Map.entry("aws-node-termination-handler/spot-itn", NoticeKind.SPOT_INTERRUPTION),
            java.util.Map.entry("aws-node-termination-handler/asg-lifecycle-termination", NoticeKind.ASG_TERMINATION),
            java.util.Map.entry("aws-node-termination-handler/scheduled-maintenance", NoticeKind.SCHEDULED_MAINTENANCE),
            java.util.Map.entry("karpenter.sh/disrupted", NoticeKind.KARPENTER_DISRUPTED),
            // Karpenter before v1 (v0.32–v0.37): key karpenter.sh/disruption, value disrupting
            java.util.Map.entry("karpenter.sh/disruption", NoticeKind.KARPENTER_DISRUPTED),
            java.util.Map.entry(
                    "aws-node-termination-handler/rebalance-recommendation", NoticeKind.REBALANCE_RECOMMENDATION));

    private InterruptionClassifier() {}

    public static Optional<NodeNotice> fromTaints(String nodeName, List<Taint> taints) {
        for (var entry : TAINT_KEYS) {
            for (Taint t : taints) {
                if (entry.getKey().equals(t.key())) {
                    return Optional.of(new NodeNotice(nodeName, entry.getValue(), t.key()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * An Auto Scaling group's lifecycle state of the node's instance: {@code Terminating}, {@code Terminating:Wait}
     * and {@code Terminating:Proceed} mean the group is taking the instance away.
     */
    public static Optional<NodeNotice> fromLifecycle(String nodeName, String lifecycleState) {
        if (lifecycleState != null && lifecycleState.startsWith("Terminating")) {
            return Optional.of(new NodeNotice(nodeName, NoticeKind.GROUP_TERMINATING, lifecycleState));
        }
        return Optional.empty();
    }
}
