package dev.runnerscale.autoscaler.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What a pass should do to one pool.
 *
 * @param desired runners the pool should have (never above {@code max})
 * @param active runners that count as capacity now (pending, idle and busy, stuck pods excluded)
 * @param capped whether demand exceeds {@code max}
 * @param slotsToCreate free slots to create runner pods in, lowest first
 * @param podsToDelete terminal pods (succeeded, failed) and pods stuck pending: deleted, never counted
 * @param podsToRetire idle runners to scale down: removed from GitHub first, then deleted unless GitHub says busy
 * @param failedPods pods observed failed in this pass (for the failure back-off)
 * @param succeededPods pods observed succeeded in this pass (resets the failure back-off)
 */
public record ScalingDecision(
        String pool,
        int desired,
        int active,
        boolean capped,
        ScalingDirection direction,
        ScalingReason reason,
        List<Integer> slotsToCreate,
        List<String> podsToDelete,
        List<String> podsToRetire,
        List<String> failedPods,
        List<String> succeededPods,
        Instant at) {

    public ScalingDecision {
        slotsToCreate = List.copyOf(slotsToCreate);
        podsToDelete = List.copyOf(podsToDelete);
        podsToRetire = List.copyOf(podsToRetire);
        failedPods = List.copyOf(failedPods);
        succeededPods = List.copyOf(succeededPods);
    }
}
