package dev.runnerscale.autoscaler.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.autoscaler.capacity.CapacityPolicy.Cordon;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.Group;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.GroupInstance;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.GroupPlan;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.Protect;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.SetDesired;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.Terminate;
import dev.runnerscale.autoscaler.capacity.CapacityPolicy.Uncordon;
import dev.runnerscale.autoscaler.capacity.CapacityTransition.Reason;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every transition of the capacity choice and the group plans, with a clock the test moves. */
class CapacityPolicyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final CapacityPolicy.Settings SETTINGS =
            new CapacityPolicy.Settings(Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofMinutes(20));

    private final MutableClock clock = new MutableClock(T0);
    private final CapacityPolicy policy = new CapacityPolicy(clock);

    private CapacityDecision decide(SpotAvailability state, CapacitySignals signals) {
        return policy.decide("spot-pool", state, signals, SETTINGS);
    }

    private static CapacitySignals unschedulableSince(Instant since) {
        return new CapacitySignals(since, false);
    }

    @Nested
    class Karpenter {

        @Test
        void staysOnSpotWhilePodsScheduleAndWhileUnschedulableForLessThanTheThreshold() {
            CapacityDecision d = decide(null, CapacitySignals.NONE);
            assertThat(d.newPodsAsk()).isEqualTo(CapacityChoice.SPOT);
            assertThat(d.transition()).isEmpty();
            clock.advance(Duration.ofMinutes(2).plusSeconds(59));
            assertThat(decide(d.next(), unschedulableSince(T0)).transition()).isEmpty();
        }

        @Test
        void fallsBackToOnDemandWhenPodsStayUnschedulablePastTheThreshold() {
            SpotAvailability spot = SpotAvailability.spot(T0);
            clock.advance(Duration.ofMinutes(3));
            CapacityDecision d = decide(spot, unschedulableSince(T0));
            assertThat(d.newPodsAsk()).isEqualTo(CapacityChoice.ON_DEMAND);
            assertThat(d.transition()).hasValueSatisfying(t -> {
                assertThat(t.to()).isEqualTo(CapacityChoice.ON_DEMAND);
                assertThat(t.reason()).isEqualTo(Reason.UNSCHEDULABLE);
                assertThat(t.at()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
            });
            assertThat(d.next().nextProbeAt()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
        }

        @Test
        void fallsBackAtOnceWhenTheClusterReportsInsufficientSpotCapacity() {
            CapacityDecision d = decide(SpotAvailability.spot(T0), new CapacitySignals(null, true));
            assertThat(d.transition())
                    .hasValueSatisfying(t -> assertThat(t.reason()).isEqualTo(Reason.INSUFFICIENT_SPOT_CAPACITY));
        }

        @Test
        void probesSpotAfterTheBackOffAndRecoversWhenItHoldsAThreshold() {
            clock.advance(Duration.ofMinutes(3));
            SpotAvailability onDemand =
                    decide(SpotAvailability.spot(T0), unschedulableSince(T0)).next();

            clock.advance(Duration.ofMinutes(4)); // before the probe
            assertThat(decide(onDemand, CapacitySignals.NONE).newPodsAsk()).isEqualTo(CapacityChoice.ON_DEMAND);

            clock.advance(Duration.ofMinutes(1)); // 5 min after the fallback
            CapacityDecision probe = decide(onDemand, CapacitySignals.NONE);
            assertThat(probe.newPodsAsk()).isEqualTo(CapacityChoice.SPOT);
            assertThat(probe.next().probing()).isTrue();
            assertThat(probe.transition()).hasValueSatisfying(t -> {
                assertThat(t.reason()).isEqualTo(Reason.RECOVERY_PROBE);
                assertThat(t.to()).isEqualTo(CapacityChoice.SPOT);
            });

            // an old pod still unschedulable from before the probe does not fail the probe
            clock.advance(Duration.ofMinutes(3));
            CapacityDecision recovered = decide(probe.next(), unschedulableSince(T0));
            assertThat(recovered.newPodsAsk()).isEqualTo(CapacityChoice.SPOT);
            assertThat(recovered.next().probing()).isFalse();
            assertThat(recovered.transition()).isEmpty();
        }

        @Test
        void aFailedProbeGoesBackToOnDemandAndDoublesTheWaitUpToTheMaximum() {
            clock.advance(Duration.ofMinutes(3));
            SpotAvailability state =
                    decide(SpotAvailability.spot(T0), unschedulableSince(T0)).next();
            Duration[] expectedWaits = {Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(20)};
            for (Duration expected : expectedWaits) {
                clock.set(state.nextProbeAt());
                CapacityDecision probe = decide(state, CapacitySignals.NONE);
                Instant probeStart = clock.instant();
                clock.advance(Duration.ofMinutes(3));
                // a probe pod waiting for less than the threshold neither fails nor recovers the probe
                assertThat(decide(probe.next(), unschedulableSince(probeStart.plusSeconds(1)))
                                .next())
                        .isEqualTo(probe.next());
                clock.advance(Duration.ofSeconds(1));
                CapacityDecision failed = decide(probe.next(), unschedulableSince(probeStart.plusSeconds(1)));
                assertThat(failed.transition())
                        .hasValueSatisfying(t -> assertThat(t.reason()).isEqualTo(Reason.PROBE_FAILED));
                assertThat(failed.next().probeWait()).isEqualTo(expected);
                assertThat(failed.next().nextProbeAt())
                        .isEqualTo(clock.instant().plus(expected));
                state = failed.next();
            }
        }

        @Test
        void aCapacityErrorDuringAProbeFailsItAtOnce() {
            SpotAvailability probing = new SpotAvailability(CapacityChoice.SPOT, T0, true, null, Duration.ofMinutes(5));
            CapacityDecision d = decide(probing, new CapacitySignals(null, true));
            assertThat(d.newPodsAsk()).isEqualTo(CapacityChoice.ON_DEMAND);
            assertThat(d.next().probeWait()).isEqualTo(Duration.ofMinutes(10));
        }
    }

    @Nested
    class AutoScalingGroups {

        private GroupInstance node(String id, int pods, boolean busy) {
            return new GroupInstance(id, "node-" + id, "InService", false, pods, busy, false);
        }

        private GroupPlan plan(Group spot, Group onDemand, int pods, SpotAvailability state, Set<String> cordoned) {
            return policy.planGroups(
                    "asg-pool", state, CapacitySignals.NONE, SETTINGS, spot, onDemand, pods, 2, cordoned);
        }

        @Test
        void scalesOutTheSpotGroupByNodesNeededRoundedUp() {
            Group spot = new Group("c-pool-spot", 0, 10, 1, List.of(node("i-1", 2, true)));
            Group onDemand = new Group("c-pool-on-demand", 0, 10, 0, List.of());
            // 5 pods, 2 per node: 3 nodes; the spot group has 1
            GroupPlan plan = plan(spot, onDemand, 5, SpotAvailability.spot(T0), Set.of());
            assertThat(plan.nodesNeeded()).isEqualTo(3);
            assertThat(plan.actions()).contains(new SetDesired("c-pool-spot", 3));
            assertThat(plan.actions()).contains(new Protect("c-pool-spot", List.of("i-1"), true));
        }

        @Test
        void aFullSpotGroupSpillsIntoTheOnDemandGroupWithinItsMax() {
            Group spot = new Group("s", 0, 2, 2, List.of(node("i-1", 2, true), node("i-2", 2, true)));
            Group onDemand = new Group("o", 0, 1, 0, List.of());
            GroupPlan plan = plan(spot, onDemand, 10, SpotAvailability.spot(T0), Set.of());
            assertThat(plan.actions()).contains(new SetDesired("o", 1)).doesNotContain(new SetDesired("s", 3));
        }

        @Test
        void aSpotShortageSendsNewCapacityToTheOnDemandGroupUntilSpotRecovers() {
            Group spot = new Group("s", 0, 10, 1, List.of(node("i-1", 2, true)));
            Group onDemand = new Group("o", 0, 10, 0, List.of());
            GroupPlan shortage = policy.planGroups(
                    "p",
                    SpotAvailability.spot(T0),
                    new CapacitySignals(null, true),
                    SETTINGS,
                    spot,
                    onDemand,
                    4,
                    2,
                    Set.of());
            assertThat(shortage.actions()).contains(new SetDesired("o", 1));
            assertThat(shortage.capacity().transition()).isPresent();

            clock.advance(Duration.ofMinutes(5));
            GroupPlan probe = plan(spot, onDemand, 4, shortage.capacity().next(), Set.of());
            assertThat(probe.capacity().newPodsAsk()).isEqualTo(CapacityChoice.SPOT);
            assertThat(probe.actions()).contains(new SetDesired("s", 2));
        }

        @Test
        void scaleInCordonsAnEmptyNodeFirstAndTerminatesItOnALaterPassNeverABusyOne() {
            Group spot = new Group(
                    "s", 0, 10, 3, List.of(node("i-1", 1, true), node("i-2", 0, false), node("i-3", 1, false)));
            Group onDemand = new Group("o", 0, 10, 1, List.of(node("i-9", 0, false)));
            // 2 pods → 1 node needed; 4 exist; empty ones: i-2 (spot), i-9 (on-demand, first)
            GroupPlan first = plan(spot, onDemand, 2, SpotAvailability.spot(T0), Set.of());
            assertThat(first.actions()).containsSubsequence(new Cordon("node-i-9"), new Cordon("node-i-2"));
            assertThat(first.actions())
                    .noneMatch(a -> a instanceof Terminate)
                    .noneMatch(a -> a instanceof Cordon c && (c.nodeName().equals("node-i-1")));

            // next pass: both still empty and cordoned by us → terminated with a decrement
            Group spot2 = new Group(
                    "s",
                    0,
                    10,
                    3,
                    List.of(
                            node("i-1", 1, true),
                            new GroupInstance("i-2", "node-i-2", "InService", false, 0, false, true),
                            node("i-3", 1, false)));
            Group od2 = new Group(
                    "o", 0, 10, 1, List.of(new GroupInstance("i-9", "node-i-9", "InService", false, 0, false, true)));
            GroupPlan second = plan(spot2, od2, 2, SpotAvailability.spot(T0), Set.of("node-i-2", "node-i-9"));
            assertThat(second.actions())
                    .contains(new Terminate("o", "i-9", "node-i-9"), new Terminate("s", "i-2", "node-i-2"));
        }

        @Test
        void aCordonedNodeThatGotAPodOrDemandThatCameBackIsUncordoned() {
            Group spot = new Group(
                    "s",
                    0,
                    10,
                    2,
                    List.of(
                            node("i-1", 2, true),
                            new GroupInstance("i-2", "node-i-2", "InService", false, 0, false, true)));
            Group onDemand = new Group("o", 0, 10, 0, List.of());
            GroupPlan plan = plan(spot, onDemand, 4, SpotAvailability.spot(T0), Set.of("node-i-2"));
            assertThat(plan.actions()).contains(new Uncordon("node-i-2")).noneMatch(a -> a instanceof SetDesired);
        }

        @Test
        void neverScalesBelowTheGroupMinimumAndReleasesProtectionOfIdleNodes() {
            Group spot = new Group(
                    "s", 1, 10, 1, List.of(new GroupInstance("i-1", "node-i-1", "InService", true, 0, false, false)));
            Group onDemand = new Group("o", 0, 10, 0, List.of());
            GroupPlan plan = plan(spot, onDemand, 0, SpotAvailability.spot(T0), Set.of());
            assertThat(plan.actions()).containsExactly(new Protect("s", List.of("i-1"), false));
        }

        @Test
        void recognisesTheSpotShortageCodesInScalingActivities() {
            assertThat(CapacityPolicy.isSpotShortage(
                            "Failed",
                            "Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot"
                                    + " capacity available that matches your request. Launching EC2 instance failed."))
                    .isTrue();
            assertThat(CapacityPolicy.isSpotShortage("Failed", "UnfulfillableCapacity: Unable to fulfill"))
                    .isTrue();
            assertThat(CapacityPolicy.isSpotShortage("Cancelled", "MaxSpotInstanceCountExceeded"))
                    .isTrue();
            assertThat(CapacityPolicy.isSpotShortage("Successful", "InsufficientInstanceCapacity"))
                    .isFalse();
            assertThat(CapacityPolicy.isSpotShortage("Failed", "AccessDenied")).isFalse();
        }
    }
}
