package dev.runnerscale.autoscaler.cost;

import java.util.Locale;

/** How a node is bought. {@link #UNKNOWN} when no label says it: its price is then unknown, never guessed. */
public enum CapacityType {
    SPOT("spot"),
    ON_DEMAND("on_demand"),
    UNKNOWN("unknown");

    private final String tag;

    CapacityType(String tag) {
        this.tag = tag;
    }

    /** The metric tag and stored value: {@code spot}, {@code on_demand}, {@code unknown}. */
    public String tag() {
        return tag;
    }

    public static CapacityType fromTag(String tag) {
        if (tag == null) {
            return UNKNOWN;
        }
        for (CapacityType t : values()) {
            if (t.tag.equals(tag)) {
                return t;
            }
        }
        return UNKNOWN;
    }

    /** Reads the label values in use: Karpenter's {@code spot|on-demand}, EKS's {@code SPOT|ON_DEMAND}, ours. */
    static CapacityType fromLabel(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "spot" -> SPOT;
            case "on-demand" -> ON_DEMAND;
            default -> UNKNOWN;
        };
    }
}
