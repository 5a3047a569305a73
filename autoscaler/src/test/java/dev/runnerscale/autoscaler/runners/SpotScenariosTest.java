package dev.runnerscale.autoscaler.runners;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.runnerscale.autoscaler.aws.AutoScalingGroupCapacity;
import dev.runnerscale.autoscaler.aws.AutoScalingStubs;
import dev.runnerscale.autoscaler.aws.AwsClients;
import dev.runnerscale.autoscaler.aws.AwsWireMock;
import dev.runnerscale.autoscaler.capacity.CapacityChoice;
import dev.runnerscale.autoscaler.cost.accounting.JdbcCostLedger;
import dev.runnerscale.autoscaler.cost.accounting.JobCost;
import dev.runnerscale.autoscaler.interruptions.JdbcInterruptionLedger;
import dev.runnerscale.autoscaler.jobs.JobStatus;
import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import dev.runnerscale.autoscaler.testsupport.FleetWorld;
import dev.runnerscale.autoscaler.testsupport.GitHubRunnerFake.Operation;
import dev.runnerscale.autoscaler.testsupport.GitHubWireMock;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spot capacity, interruptions and cost through the reconcile pass, on the real parts ({@link FleetWorld}): the mock
 * API server with a kubelet that schedules onto EKS-labelled nodes, PostgreSQL, GitHub behind WireMock (validated
 * against its OpenAPI description) and AWS Auto Scaling behind WireMock in its query-protocol XML. Time that matters
 * (thresholds, probes, a runner's lifetime) moves with the world's clock, never with sleeps.
 */
class SpotScenariosTest {

    @RegisterExtension
    static final GitHubWireMock gitHub = new GitHubWireMock();

    private KubernetesTestServer server;
    private FleetWorld world;

    @BeforeEach
    void startServer() {
        server = new KubernetesTestServer();
    }

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
        server.close();
    }

    private static ConditionFactory await() {
        // generous: passes run on real threads, and the 2-core machine is shared by several builds (40 s timed out)
        return Awaitility.await().atMost(Duration.ofSeconds(90));
    }

    private static Pool spotPool(FleetWorld w, String... settings) {
        List<String> all = new ArrayList<>(List.of(
                "name", "spot-linux",
                "namespace", w.namespace("runners"),
                "labels", "self-hosted,linux,x64",
                "github.owner", "acme",
                "max", "3"));
        all.addAll(List.of(settings));
        return TestPools.pool(all.toArray(String[]::new));
    }

    /** A pass of every pool that starts after this call (and so sees what the API server had before it). */
    private static void passAndWait(FleetWorld world, FleetWorld.Replica replica) {
        long before = replica.loop.passes();
        world.requestPass();
        await().until(() -> replica.loop.passes() > before);
    }

    private static Optional<String> asks(Pod pod) {
        return Optional.ofNullable(pod.getSpec().getNodeSelector()).map(s -> s.get("karpenter.sh/capacity-type"));
    }

    private static boolean unschedulable(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "Unschedulable".equals(c.getReason()));
    }

    private static double sum(FleetWorld.Replica replica, String name, String... tags) {
        return replica.registry.find(name).tags(tags).meters().stream()
                .mapToDouble(m -> m.measure().iterator().next().getValue())
                .sum();
    }

    private static String node(Pod pod) {
        return pod.getSpec().getNodeName();
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Nested
    class Karpenter {

        /** Only on-demand capacity in the cluster: spot pods find no node. */
        private FleetWorld onDemandOnly(String... poolSettings) {
            FleetWorld w = new FleetWorld(server, gitHub, x -> List.of(spotPool(x, poolSettings)), false);
            w.addNode(FleetWorld.ON_DEMAND_A, "m6i.xlarge", "us-east-1a", "use1-az4", "on-demand", "3920m", "14Gi");
            return w;
        }

        @Test
        void unschedulableSpotPodsShiftNewPodsToOnDemandAndABackedOffProbeBringsThemBack() {
            world = onDemandOnly();
            world.runnersTakeJobs(true);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("spot-linux", 1);

            await().until(() -> world.pods("spot-linux").size() == 1
                    && unschedulable(world.pods("spot-linux").get(0)));
            assertThat(asks(world.pods("spot-linux").get(0))).contains("spot");
            passAndWait(world, replica); // the pass has seen it wait
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isZero();

            // past the threshold: new pods ask for on-demand, and the pod still waiting for spot is replaced by one
            world.clock.advance(Duration.ofMinutes(3).plusSeconds(1));
            world.requestPass();
            await().until(() -> world.count("spot-linux", JobStatus.COMPLETED) == 1);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isEqualTo(1);
            await().until(() -> !world.poolEvents("CapacityFallback").isEmpty());
            assertThat(world.poolEvents("CapacityFallback"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("spot-linux", "on-demand", "UNSCHEDULABLE"));
            assertThat(world.events(
                            "RunnerMoved", List.of(world.pool("spot-linux").namespace())))
                    .isNotEmpty();

            // the probe after the initial wait: new pods try spot, which is still short ...
            world.clock.advance(Duration.ofMinutes(5));
            passAndWait(world, replica);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "spot"))
                    .isEqualTo(1);
            world.queue("spot-linux", 1);
            await().until(() -> world.pods("spot-linux").stream()
                    .anyMatch(p -> asks(p).equals(Optional.of("spot")) && unschedulable(p)));
            passAndWait(world, replica);
            world.clock.advance(Duration.ofMinutes(3).plusSeconds(1));
            world.requestPass();
            await().until(() -> world.count("spot-linux", JobStatus.COMPLETED) == 2);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isEqualTo(2);

            // ... so the next probe waits twice as long
            world.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            passAndWait(world, replica);
            assertThat(replica.capacity.newPodsAsk("spot-linux")).contains(CapacityChoice.ON_DEMAND);
            world.clock.advance(Duration.ofMinutes(5));
            passAndWait(world, replica);
            assertThat(replica.capacity.newPodsAsk("spot-linux")).contains(CapacityChoice.SPOT);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "spot"))
                    .isEqualTo(2);

            // spot is back: the probe pod runs on a spot node, and a threshold later the pool has recovered
            world.addNode(FleetWorld.SPOT_A, "m5.2xlarge", "us-east-1a", "use1-az4", "spot", "7910m", "30Gi");
            world.queue("spot-linux", 1);
            await().until(() -> world.count("spot-linux", JobStatus.COMPLETED) == 3);
            world.clock.advance(Duration.ofMinutes(3).plusSeconds(1));
            passAndWait(world, replica);
            assertThat(replica.capacity.state("spot-linux").orElseThrow().probing())
                    .isFalse();
            assertThat(replica.capacity.newPodsAsk("spot-linux")).contains(CapacityChoice.SPOT);
        }

        @Test
        void karpentersInsufficientCapacityEventForANodeClaimThePoolsPodWasNominatedToShiftsToOnDemand() {
            // the threshold is far away: only Karpenter's own word can move the pool
            world = onDemandOnly("capacity.unschedulable-threshold", "30m");
            world.runnersTakeJobs(true);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("spot-linux", 1);
            await().until(() -> world.pods("spot-linux").size() == 1
                    && unschedulable(world.pods("spot-linux").get(0)));
            Pod waiting = world.pods("spot-linux").get(0);

            // Karpenter nominates the pod to a NodeClaim; another workload's NodeClaim fails for lack of capacity
            nominated(waiting, "runners-8wq5g");
            insufficientCapacity("general-x7k2p");
            world.clock.advance(Duration.ofSeconds(11));
            passAndWait(world, replica);
            passAndWait(world, replica);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isZero();
            assertThat(world.pods("spot-linux"))
                    .allSatisfy(p -> assertThat(asks(p)).contains("spot"));

            // the pod's own NodeClaim fails: spot is short for this pool
            insufficientCapacity("runners-8wq5g");
            world.clock.advance(Duration.ofSeconds(11));
            world.requestPass();
            await().until(() -> world.count("spot-linux", JobStatus.COMPLETED) == 1);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isEqualTo(1);
            assertThat(world.poolEvents("CapacityFallback"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("INSUFFICIENT_SPOT_CAPACITY"));
            // the same Event is not news a second time
            world.clock.advance(Duration.ofMinutes(6)); // past the probe: spot again
            passAndWait(world, replica);
            world.queue("spot-linux", 1);
            await().until(() -> world.pods("spot-linux").stream().anyMatch(SpotScenariosTest::unschedulable));
            world.clock.advance(Duration.ofSeconds(11));
            passAndWait(world, replica);
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "spot-linux", "to", "on_demand"))
                    .isEqualTo(1);
        }

        /** Karpenter's provisioner nominating a pending pod, as {@code NominatePodEvent} writes it. */
        private void nominated(Pod pod, String nodeClaim) {
            Instant now = world.clock.instant();
            world.client
                    .v1()
                    .events()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(pod.getMetadata().getName() + ".18a3f0c2d1e4b5a6")
                            .withNamespace(pod.getMetadata().getNamespace())
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion("v1")
                            .withKind("Pod")
                            .withNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .withUid(pod.getMetadata().getUid())
                            .endInvolvedObject()
                            .withType("Normal")
                            .withReason("Nominated")
                            .withMessage("Pod should schedule on: nodeclaim/" + nodeClaim)
                            .withNewSource()
                            .withComponent("karpenter")
                            .endSource()
                            .withFirstTimestamp(now.toString())
                            .withLastTimestamp(now.toString())
                            .withCount(1)
                            .build())
                    .create();
        }

        /**
         * Karpenter's launch of a NodeClaim failing with an insufficient-capacity error, as
         * {@code InsufficientCapacityErrorEvent} writes it (in {@code default}: NodeClaims are cluster-scoped).
         */
        private void insufficientCapacity(String nodeClaim) {
            Instant now = world.clock.instant();
            world.client
                    .v1()
                    .events()
                    .inNamespace("default")
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(nodeClaim + ".18a3f0c2e9a0c7d1")
                            .withNamespace("default")
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion("karpenter.sh/v1")
                            .withKind("NodeClaim")
                            .withName(nodeClaim)
                            .withUid(
                                    "7c1f3a2e-" + Integer.toHexString(nodeClaim.hashCode()) + "-4d1b-9b1e-2f6d8c0a5e11")
                            .endInvolvedObject()
                            .withType("Warning")
                            .withReason("InsufficientCapacityError")
                            .withMessage("NodeClaim " + nodeClaim + " event: creating instance, with fleet error(s),"
                                    + " InsufficientInstanceCapacity: We currently do not have sufficient m5.2xlarge"
                                    + " capacity in the Availability Zone you requested (us-east-1a).")
                            .withNewSource()
                            .withComponent("karpenter")
                            .endSource()
                            .withFirstTimestamp(now.toString())
                            .withLastTimestamp(now.toString())
                            .withCount(1)
                            .build())
                    .create();
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Nested
    class Interruptions {

        /** aws-node-termination-handler's taint value: the event id, {@code spot-itn-<sha256 hex>}, cut at 63. */
        private static final String SPOT_ITN_VALUE =
                ("spot-itn-" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").substring(0, 63);

        @Test
        void aSpotInterruptionMovesIdleRunnersRecordsTheBusyJobAndReRunsItOnceAfterItFailed() throws Exception {
            world = new FleetWorld(server, gitHub, w -> List.of(spotPool(w, "min-idle", "1")));
            world.runnersTakeJobs(false); // a runner takes its job and keeps running it
            FleetWorld.Replica replica = world.startReplica();
            FleetWorld.Replica other = world.drivenReplica(); // a second replica (a leader hand-over, a restart)
            long job = world.queue("spot-linux", 1).get(0);
            await().until(() -> world.count("spot-linux", JobStatus.IN_PROGRESS) == 1
                    && world.runningPods("spot-linux").size() == 2
                    && world.registered("spot-linux").size() == 2);
            // both on the first node that fits them
            assertThat(world.runningPods("spot-linux"))
                    .allSatisfy(p -> assertThat(node(p)).isEqualTo(FleetWorld.SPOT_A));
            String busyRunner = world.job(job).runnerName();
            Pod idle = world.runningPods("spot-linux").stream()
                    .filter(p -> !FleetWorld.runnerName(p).equals(busyRunner))
                    .findFirst()
                    .orElseThrow();

            // EC2's two-minute warning: aws-node-termination-handler taints the node
            world.taint(FleetWorld.SPOT_A, "aws-node-termination-handler/spot-itn", SPOT_ITN_VALUE, "NoSchedule");

            // the idle runner is removed GitHub first and replaced on another node; the busy one runs on
            await().until(() -> world.pods("spot-linux").stream()
                    .noneMatch(p ->
                            p.getMetadata().getUid().equals(idle.getMetadata().getUid())));
            assertThat(world.github.requests(world.scope("spot-linux"), Operation.DELETE_RUNNER))
                    .isGreaterThanOrEqualTo(1);
            await().until(() -> world.runningPods("spot-linux").size() == 2);
            Pod replacement = world.runningPods("spot-linux").stream()
                    .filter(p -> !FleetWorld.runnerName(p).equals(busyRunner))
                    .findFirst()
                    .orElseThrow();
            assertThat(node(replacement)).isNotEqualTo(FleetWorld.SPOT_A);
            assertThat(replacement
                            .getSpec()
                            .getAffinity()
                            .getNodeAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution()
                            .getNodeSelectorTerms()
                            .get(0)
                            .getMatchFields())
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.getKey()).isEqualTo("metadata.name");
                        assertThat(f.getOperator()).isEqualTo("NotIn");
                        assertThat(f.getValues()).containsExactly(FleetWorld.SPOT_A);
                    });
            assertThat(world.events(
                            "RunnerMoved", List.of(world.pool("spot-linux").namespace())))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains(FleetWorld.SPOT_A, "spot_interruption"));

            // the busy runner's job is recorded as interrupted, the notice counted once across both replicas
            JdbcInterruptionLedger interruptions = new JdbcInterruptionLedger(world.ledger.jdbc);
            await().until(() -> interruptions.find(job).isPresent());
            other.pass();
            other.pass();
            assertThat(replica.counter("runnerscale_spot_interruptions", "pool", "spot-linux")
                            + other.counter("runnerscale_spot_interruptions", "pool", "spot-linux"))
                    .isEqualTo(1);

            // the node goes: the runner is killed, the job ends failed, and its completed delivery arrives twice
            gitHub.stubRerun("acme", "app", job, 201);
            Pod busy = world.pods("spot-linux").stream()
                    .filter(p -> FleetWorld.runnerName(p).equals(busyRunner))
                    .findFirst()
                    .orElseThrow();
            world.kubelet("spot-linux").evict(busy.getMetadata().getName());
            world.complete(job, "failure");
            world.complete(job, "failure", "redelivered-" + job);

            // both replicas sweep, four threads each, at once: GitHub is asked exactly once
            ExecutorService threads = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                FleetWorld.Replica sweeping = i % 2 == 0 ? replica : other;
                sweeps.add(threads.submit(() -> {
                    start.await();
                    return sweeping.interruptions.sweepReruns(10);
                }));
            }
            start.countDown();
            int requested = 0;
            for (Future<Integer> sweep : sweeps) {
                requested += sweep.get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
            assertThat(requested).isEqualTo(1);
            assertThat(replica.interruptions.sweepReruns(10) + other.interruptions.sweepReruns(10))
                    .isZero();
            assertThat(gitHub.server()
                            .findAll(WireMock.postRequestedFor(
                                    WireMock.urlPathEqualTo("/repos/acme/app/actions/jobs/" + job + "/rerun"))))
                    .hasSize(1);
            assertThat(interruptions.find(job).orElseThrow()[2]).isEqualTo("requested");
            assertThat(sum(replica, "runnerscale_job_reruns", "pool", "spot-linux", "reason", "spot_interruption")
                            + sum(other, "runnerscale_job_reruns", "pool", "spot-linux", "reason", "spot_interruption"))
                    .isEqualTo(1);
        }

        @Test
        void newPodsAvoidANodeWithARebalanceRecommendationEvenWhenItsTaintOnlyPrefersNoSchedule() {
            world = new FleetWorld(server, gitHub, w -> List.of(spotPool(w)));
            // aws-node-termination-handler's taint effect is configurable: PreferNoSchedule keeps nobody away
            world.taint(
                    FleetWorld.SPOT_A,
                    "aws-node-termination-handler/rebalance-recommendation",
                    "rebalance-recommendation-2b6e13f0a1f3c9d4e5",
                    "PreferNoSchedule");
            world.startReplica();
            world.queue("spot-linux", 2);
            await().until(() -> world.runningPods("spot-linux").size() == 2);
            assertThat(world.runningPods("spot-linux"))
                    .allSatisfy(p -> assertThat(node(p)).isEqualTo(FleetWorld.SPOT_B));
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Nested
    class Cost {

        @Test
        void aJobOnARunnerOfALabelledNodeIsPricedOnceAndARunnerThatEndedWhileNoReplicaLedToo() {
            world = new FleetWorld(server, gitHub, w -> List.of(spotPool(w)));
            world.runnersTakeJobs(false);
            FleetWorld.Replica replica = world.startReplica();
            long job = world.queue("spot-linux", 1).get(0);
            await().until(() -> world.count("spot-linux", JobStatus.IN_PROGRESS) == 1);
            Pod pod = world.runningPods("spot-linux").get(0);
            assertThat(node(pod)).isEqualTo(FleetWorld.SPOT_A);

            // the job runs ten minutes, then the ephemeral runner exits
            world.clock.advance(Duration.ofMinutes(10));
            world.complete(job, "success");
            world.github.finish(FleetWorld.runnerName(pod));
            world.kubelet("spot-linux").succeed(pod.getMetadata().getName());
            await().until(() -> replica.costs.costOf(job).isPresent());

            JobCost cost = replica.costs.costOf(job).orElseThrow();
            assertThat(cost.instanceType()).isEqualTo("m5.2xlarge");
            assertThat(cost.zone()).isEqualTo("us-east-1a");
            assertThat(cost.capacityType()).isEqualTo("spot");
            assertThat(cost.runnerSeconds()).isBetween(600L, 660L);
            // 0.148 USD/h (static spot price of m5.2xlarge) x (1 vCPU + 2 GiB) of (7.91 vCPU + 30 GiB) in OpenCost
            // units x ten minutes and a few seconds = 0.0026217 USD and a little: exact to 1/10,000 of a cent
            BigDecimal usd = new BigDecimal(cost.usd());
            assertThat(usd.scale()).isEqualTo(6);
            assertThat(usd).isBetween(new BigDecimal("0.002621"), new BigDecimal("0.002900"));
            assertThat(new BigDecimal(cost.onDemandUsd())).isGreaterThan(usd);

            // many more passes move nothing
            for (int i = 0; i < 3; i++) {
                passAndWait(world, replica);
            }
            assertThat(sum(replica, "runnerscale_cost_usd", "pool", "spot-linux", "capacity_type", "spot"))
                    .isEqualTo(usd.doubleValue());
            Instant from = world.clock.instant().minus(Duration.ofDays(1));
            Instant to = world.clock.instant().plus(Duration.ofDays(1));
            assertThat(replica.costLedger.report(from, to, JdbcCostLedger.GroupBy.POOL))
                    .singleElement()
                    .satisfies(row -> {
                        assertThat(row.key()).isEqualTo("spot-linux");
                        assertThat(row.jobs()).isEqualTo(1);
                        assertThat(row.usd()).isEqualByComparingTo(usd);
                    });

            // a runner that ends while no replica leads is priced by the next leader
            long second = world.queue("spot-linux", 1).get(0);
            await().until(() -> world.count("spot-linux", JobStatus.IN_PROGRESS) == 1);
            Pod later = world.runningPods("spot-linux").get(0);
            replica.close();
            world.clock.advance(Duration.ofMinutes(4));
            world.complete(second, "success");
            world.kubelet("spot-linux").succeed(later.getMetadata().getName());
            FleetWorld.Replica next = world.startReplica();
            await().until(() -> next.costs.costOf(second).isPresent());
            assertThat(world.pods("spot-linux")).isEmpty();
            assertThat(next.costs.costOf(second).orElseThrow().runnerSeconds()).isBetween(240L, 300L);
            assertThat(sum(next, "runnerscale_cost_usd", "pool", "spot-linux", "capacity_type", "spot"))
                    .isEqualTo(new BigDecimal(
                                    next.costs.costOf(second).orElseThrow().usd())
                            .doubleValue());
            assertThat(replica.costLedger.report(from, to, JdbcCostLedger.GroupBy.POOL))
                    .singleElement()
                    .satisfies(row -> assertThat(row.jobs()).isEqualTo(2));
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Nested
    class AutoScalingGroups {

        private static final String SPOT = "c1-asg-linux-spot";
        private static final String ON_DEMAND = "c1-asg-linux-on-demand";

        private AwsWireMock aws;
        private AutoScalingStubs stubs;

        @BeforeEach
        void aws() {
            aws = new AwsWireMock();
            stubs = new AutoScalingStubs(aws).acceptChanges(SPOT).activities();
        }

        @AfterEach
        void stopAws() {
            // the replicas first: a pass must not meet AWS gone
            if (world != null) {
                world.close();
                world = null;
            }
            aws.close();
        }

        private FleetWorld groupWorld(String... settings) {
            List<String> all = new ArrayList<>(List.of(
                    "capacity.provider", "auto-scaling-group",
                    "capacity.auto-scaling-group.spot-group", SPOT,
                    "capacity.auto-scaling-group.on-demand-group", ON_DEMAND,
                    "capacity.auto-scaling-group.pods-per-node", "2",
                    "pod.node-selector[runnerscale.dev/pool]", "asg-linux",
                    "pod.tolerations[0].key", "runnerscale.dev/runners",
                    "pod.tolerations[0].operator", "Exists",
                    "pod.tolerations[0].effect", "NoSchedule"));
            all.addAll(List.of(settings));
            FleetWorld w = new FleetWorld(
                    server,
                    gitHub,
                    x -> List.of(
                            TestPools.pool(concat(
                                    List.of(
                                            "name", "asg-linux",
                                            "namespace", x.namespace("runners"),
                                            "labels", "self-hosted,linux,asg",
                                            "github.owner", "acme",
                                            "max", "6"),
                                    all)),
                            spotPool(x)),
                    false);
            AwsClients clients = aws.clients(5);
            w.useAutoScaling(new AutoScalingGroupCapacity(
                    clients.autoScaling(AwsWireMock.fastRetry(clients)), clients.breaker("aws-autoscaling")));
            w.addNode(FleetWorld.SPOT_A, "m5.2xlarge", "us-east-1a", "use1-az4", "spot", "7910m", "30Gi");
            return w;
        }

        private static String[] concat(List<String> a, List<String> b) {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return all.toArray(String[]::new);
        }

        /** A node of the group, as its launch template's kubelet flags label and taint it. */
        private void groupNode(String instanceId, String capacityType) {
            world.addNode(new NodeBuilder()
                    .withNewMetadata()
                    .withName("ip-10-1-0-" + instanceId.substring(2) + ".ec2.internal")
                    .addToLabels("runnerscale.dev/pool", "asg-linux")
                    .addToLabels("runnerscale.dev/capacity-type", capacityType)
                    .addToLabels("node.kubernetes.io/instance-type", "c5.large")
                    .addToLabels("topology.kubernetes.io/zone", "us-east-1a")
                    .addToLabels("topology.k8s.aws/zone-id", "use1-az4")
                    .endMetadata()
                    .withNewSpec()
                    .withProviderID("aws:///us-east-1a/" + instanceId)
                    .addNewTaint()
                    .withKey("runnerscale.dev/runners")
                    .withValue("true")
                    .withEffect("NoSchedule")
                    .endTaint()
                    .endSpec()
                    .withNewStatus()
                    .addToAllocatable("cpu", new Quantity("2"))
                    .addToAllocatable("memory", new Quantity("7Gi"))
                    .endStatus()
                    .build());
        }

        private static String nodeOf(String instanceId) {
            return "ip-10-1-0-" + instanceId.substring(2) + ".ec2.internal";
        }

        private List<String> bodies(String action) {
            return aws.requests(action).stream().map(r -> r.getBodyAsString()).toList();
        }

        @Test
        void desiredCapacityFollowsThePodsAndScaleInTerminatesOnlyAnEmptyCordonedNodeNeverABusyOne() {
            world = groupWorld();
            stubs.group(SPOT, 0, 10, 1, AutoScalingStubs.instance("i-1", "InService", false))
                    .group(ON_DEMAND, 0, 10, 0);
            groupNode("i-1", "spot");
            world.runnersTakeJobs(false);
            FleetWorld.Replica replica = world.startReplica();
            List<Long> jobs = world.queue("asg-linux", 3);

            // two pods fit on i-1 and take jobs; the third waits: 3 pods / 2 per node = 2 nodes
            await().until(() -> world.count("asg-linux", JobStatus.IN_PROGRESS) == 2);
            await().until(() -> bodies("SetDesiredCapacity").stream()
                    .anyMatch(b -> b.contains("AutoScalingGroupName=" + SPOT) && b.contains("DesiredCapacity=2")));
            await().until(() -> bodies("SetInstanceProtection").stream()
                    .anyMatch(b -> b.contains("InstanceIds.member.1=i-1") && b.contains("ProtectedFromScaleIn=true")));
            assertThat(bodies("SetDesiredCapacity")).noneMatch(b -> b.contains(ON_DEMAND));

            // AWS launches i-2; the third pod runs there
            stubs.group(
                    SPOT,
                    0,
                    10,
                    2,
                    AutoScalingStubs.instance("i-1", "InService", true),
                    AutoScalingStubs.instance("i-2", "InService", false));
            groupNode("i-2", "spot");
            await().until(() -> world.count("asg-linux", JobStatus.IN_PROGRESS) == 3);
            Pod onTwo = world.pods("asg-linux").stream()
                    .filter(p -> nodeOf("i-2").equals(node(p)))
                    .findFirst()
                    .orElseThrow();
            await().until(() -> bodies("SetInstanceProtection").stream()
                    .anyMatch(b -> b.contains("i-2") && b.contains("ProtectedFromScaleIn=true")));
            stubs.group(
                    SPOT,
                    0,
                    10,
                    2,
                    AutoScalingStubs.instance("i-1", "InService", true),
                    AutoScalingStubs.instance("i-2", "InService", true));

            // i-2's job ends: its protection is released, it is cordoned, then terminated with a decrement; i-1 never
            long onTwoJob = jobs.stream()
                    .filter(j ->
                            FleetWorld.runnerName(onTwo).equals(world.job(j).runnerName()))
                    .findFirst()
                    .orElseThrow();
            world.complete(onTwoJob, "success");
            world.github.finish(FleetWorld.runnerName(onTwo));
            world.kubelet("asg-linux").succeed(onTwo.getMetadata().getName());
            await().until(() -> bodies("SetInstanceProtection").stream()
                    .anyMatch(b -> b.contains("i-2") && b.contains("ProtectedFromScaleIn=false")));
            stubs.group(
                    SPOT,
                    0,
                    10,
                    2,
                    AutoScalingStubs.instance("i-1", "InService", true),
                    AutoScalingStubs.instance("i-2", "InService", false));
            world.requestPass();
            await().until(() -> Boolean.TRUE.equals(
                    world.client.nodes().withName(nodeOf("i-2")).get().getSpec().getUnschedulable()));
            world.requestPass();
            await().until(() -> !bodies("TerminateInstanceInAutoScalingGroup").isEmpty());
            assertThat(bodies("TerminateInstanceInAutoScalingGroup"))
                    .allSatisfy(b -> assertThat(b).contains("InstanceId=i-2", "ShouldDecrementDesiredCapacity=true"));
            assertThat(world.client
                            .nodes()
                            .withName(nodeOf("i-1"))
                            .get()
                            .getSpec()
                            .getUnschedulable())
                    .isNull();
            assertThat(replica.counter("runnerscale_pool_errors")).isZero();
        }

        @Test
        void aSpotShortageInTheGroupsActivitiesShiftsNewNodesToTheOnDemandGroupAndAProbeBringsThemBack() {
            world = groupWorld();
            stubs.group(SPOT, 0, 10, 0).group(ON_DEMAND, 0, 10, 0);
            stubs.activities(AutoScalingStubs.failedSpotLaunch(SPOT, world.clock.instant()));
            FleetWorld.Replica replica = world.startReplica();
            world.queue("asg-linux", 1);

            await().until(() -> bodies("SetDesiredCapacity").stream()
                    .anyMatch(b -> b.contains("AutoScalingGroupName=" + ON_DEMAND) && b.contains("DesiredCapacity=1")));
            assertThat(bodies("SetDesiredCapacity")).noneMatch(b -> b.contains(SPOT));
            await().until(() -> !world.poolEvents("CapacityFallback").isEmpty());
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "asg-linux", "to", "on_demand"))
                    .isEqualTo(1);

            // no new failure; after the probe wait new capacity goes to the spot group again
            stubs.activities();
            stubs.group(ON_DEMAND, 0, 10, 1, AutoScalingStubs.instance("i-9", "Pending", false));
            world.queue("asg-linux", 2);
            world.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            world.requestPass();
            await().until(() ->
                    bodies("SetDesiredCapacity").stream().anyMatch(b -> b.contains("AutoScalingGroupName=" + SPOT)));
            await().until(() -> !world.poolEvents("CapacitySpotProbe").isEmpty());
            assertThat(replica.counter("runnerscale_capacity_fallbacks", "pool", "asg-linux", "to", "spot"))
                    .isEqualTo(1);
        }

        @Test
        void anAutoScalingOutageHoldsOnlyThatPoolsProviderAndIsRetried() {
            world = groupWorld();
            aws.server.stubFor(WireMock.post(WireMock.urlEqualTo("/"))
                    .atPriority(1)
                    .willReturn(WireMock.aResponse()
                            .withStatus(503)
                            .withBody(AwsWireMock.queryError(
                                    "Receiver", "ServiceUnavailable", "Service is unavailable"))));
            world.runnersTakeJobs(true);
            FleetWorld.Replica replica = world.startReplica();
            world.queue("asg-linux", 1);
            world.queue("spot-linux", 2);

            // the karpenter pool serves its jobs; the group pool's provider keeps being retried
            await().until(() -> world.count("spot-linux", JobStatus.COMPLETED) == 2);
            int calls = aws.server.getAllServeEvents().size();
            world.clock.advance(Duration.ofSeconds(16));
            world.requestPass();
            await().until(() -> aws.server.getAllServeEvents().size() > calls);
            assertThat(world.pods("asg-linux")).hasSize(1);
            assertThat(replica.board.last("asg-linux")).isPresent();
        }
    }
}
