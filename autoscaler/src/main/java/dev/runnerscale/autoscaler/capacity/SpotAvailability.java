package dev.runnerscale.autoscaler.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a pool's new capacity goes (spot or on-demand), remembered between passes. Immutable: each pass's
 * {@link CapacityPolicy} call returns the next state.
 *
 * @param choice what new pods ask for now
 * @param since when {@code choice} took effect (a probe's start while {@code probing})
 * @param probing spot is being tried again after a shortage; it counts as recovered once it held a threshold
 * @param nextProbeAt while on-demand, when spot is tried again
 * @param probeWait the back-off that set {@code nextProbeAt} (doubled after each failed probe)
 */
public record SpotAvailability(
        CapacityChoice choice, Instant since, boolean probing, Instant nextProbeAt, Duration probeWait) {

    public static SpotAvailability spot(Instant now) {
        return new SpotAvailability(CapacityChoice.SPOT, now, false, null, null);
    }

    public Optional<Instant> nextCheck() {
        return Optional.ofNullable(nextProbeAt);
    }
}
