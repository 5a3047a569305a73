package dev.runnerscale.autoscaler.scaling;

import java.util.Locale;

public enum ScalingDirection {
    UP,
    DOWN,
    NONE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
