package dev.runnerscale.autoscaler.capacity;

/** What new pods of a pool ask for: spot, or on-demand while spot is short. */
public enum CapacityChoice {
    SPOT("spot"),
    ON_DEMAND("on_demand");

    private final String tag;

    CapacityChoice(String tag) {
        this.tag = tag;
    }

    /** The metric tag ({@code runnerscale_capacity_fallbacks_total{to}}). */
    public String tag() {
        return tag;
    }

    /** The value of Karpenter's {@code karpenter.sh/capacity-type} node selector. */
    public String karpenterValue() {
        return this == SPOT ? "spot" : "on-demand";
    }
}
