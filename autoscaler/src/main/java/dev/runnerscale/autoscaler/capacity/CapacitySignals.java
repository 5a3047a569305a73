package dev.runnerscale.autoscaler.capacity;

import java.time.Instant;

/**
 * What a pass observed about a pool's capacity.
 *
 * @param oldestUnschedulableSince among the pool's pods that ask for the current choice, since when the oldest
 *     one has been unschedulable (its {@code PodScheduled=False, reason Unschedulable} condition), or null
 * @param insufficientSpotCapacity the cluster reported insufficient spot capacity since the last pass (a
 *     Karpenter launch failure, or a spot group's scaling activity failing with a capacity error)
 */
public record CapacitySignals(Instant oldestUnschedulableSince, boolean insufficientSpotCapacity) {

    public static final CapacitySignals NONE = new CapacitySignals(null, false);
}
