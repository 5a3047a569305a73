package dev.runnerscale.autoscaler.interruptions;

/** Why a node is going away (or may soon), and where we read it from. */
public enum NoticeKind {
    /** aws-node-termination-handler's {@code aws-node-termination-handler/spot-itn} taint: the two-minute warning. */
    SPOT_INTERRUPTION("spot_interruption"),
    /** aws-node-termination-handler's {@code aws-node-termination-handler/rebalance-recommendation} taint. */
    REBALANCE_RECOMMENDATION("rebalance_recommendation"),
    /** aws-node-termination-handler's {@code aws-node-termination-handler/asg-lifecycle-termination} taint. */
    ASG_TERMINATION("asg_termination"),
    /** aws-node-termination-handler's {@code aws-node-termination-handler/scheduled-maintenance} taint. */
    SCHEDULED_MAINTENANCE("scheduled_maintenance"),
    /**
     * Karpenter's {@code karpenter.sh/disrupted} taint (v1; {@code karpenter.sh/disruption=disrupting} before): the
     * node is being drained. A node hosting a busy runner carries {@code karpenter.sh/do-not-disrupt} pods, which
     * voluntary disruption respects, so on such a node it means an involuntary one (Karpenter's interruption
     * handling of a spot interruption, a scheduled change or a termination).
     */
    KARPENTER_DISRUPTED("karpenter_disrupted"),
    /** The group's lifecycle: the instance is in a {@code Terminating*} state ({@code auto-scaling-group}). */
    GROUP_TERMINATING("group_terminating");

    private final String tag;

    NoticeKind(String tag) {
        this.tag = tag;
    }

    /** Stored value and metric tag ({@code runnerscale_job_reruns_total{reason}}). */
    public String tag() {
        return tag;
    }

    public static NoticeKind fromTag(String tag) {
        for (NoticeKind k : values()) {
            if (k.tag.equals(tag)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown notice kind " + tag);
    }
}
