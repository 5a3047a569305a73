package dev.runnerscale.autoscaler.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What a pass should do to one pool.
 *
 * @param desired runners the pool should have (never above {@code max})
 * @param active runners that count as capacity now (pending, idle and busy; stuck, offline and ended pods excluded)
 * @param capped whether demand exceeds {@code max}
 * @param slotsToCreate free slots to create runner pods in, lowest first
 * @param podsToDelete ended pods, pods stuck pending and runners offline past the grace: deleted, never counted
 * @param podsToRetire idle runners to scale down: removed from GitHub first, then deleted unless GitHub says busy
 * @param registrationFailures pods whose runner never worked: it exited without taking a job (whatever its exit code:
 *     {@code run.sh} exits 0 for a refused registration) or stayed offline on GitHub; they feed the back-off
 * @param jobFailures pods whose runner ended badly while or after running a job (OOM kill, eviction, non-zero exit):
 *     reported, but a job's own failure says nothing about the pool, so they do not hold it
 * @param completedRunners pods whose runner took a job and ended: the pool works, the back-off resets
 * @param offlineRunners running pods replaced because their runner stayed offline on GitHub past the grace
 * @param podsToReplace misplaced idle runners and pending pods (on a node going away, or waiting for capacity no
 *     longer asked for): no capacity, retired GitHub first and replaced in the same pass
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
        List<String> registrationFailures,
        List<String> jobFailures,
        List<String> completedRunners,
        List<String> offlineRunners,
        List<String> podsToReplace,
        Instant at) {

    public ScalingDecision {
        slotsToCreate = List.copyOf(slotsToCreate);
        podsToDelete = List.copyOf(podsToDelete);
        podsToRetire = List.copyOf(podsToRetire);
        registrationFailures = List.copyOf(registrationFailures);
        jobFailures = List.copyOf(jobFailures);
        completedRunners = List.copyOf(completedRunners);
        offlineRunners = List.copyOf(offlineRunners);
        podsToReplace = List.copyOf(podsToReplace);
    }
}
