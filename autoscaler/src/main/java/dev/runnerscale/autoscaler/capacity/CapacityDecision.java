package dev.runnerscale.autoscaler.capacity;

import java.util.Optional;

/** The next state of a pool's capacity choice, and the transition that led to it, if any. */
public record CapacityDecision(SpotAvailability next, Optional<CapacityTransition> transition) {

    public CapacityChoice newPodsAsk() {
        return next.choice();
    }
}
