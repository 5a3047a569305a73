package dev.runnerscale.autoscaler.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.runnerscale.autoscaler.capacity.CapacityChoice;
import dev.runnerscale.autoscaler.capacity.providers.PoolCapacity;
import dev.runnerscale.autoscaler.nodes.KubernetesNodes;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.testsupport.KubernetesTestServer;
import dev.runnerscale.autoscaler.testsupport.MutableClock;
import dev.runnerscale.autoscaler.testsupport.TestPools;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The auto-scaling-group provider end to end: AWS Auto Scaling played by WireMock in its query-protocol XML, nodes
 * in fabric8's mock API server, decisions from the pure policy, time from a clock the test moves.
 */
class AutoScalingGroupCapacityTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String SPOT = "c1-linux-spot";
    private static final String ON_DEMAND = "c1-linux-on-demand";

    private static KubernetesTestServer kubernetes;
    private static KubernetesClient client;

    private final AwsWireMock aws = new AwsWireMock();
    private final AutoScalingStubs stubs = new AutoScalingStubs(aws);
    private final MutableClock clock = new MutableClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private KubernetesNodes nodes;
    private PoolCapacity capacity;

    @BeforeAll
    static void server() {
        kubernetes = new KubernetesTestServer();
        client = kubernetes.client();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        kubernetes.close();
    }

    @BeforeEach
    void start() {
        client.nodes().delete();
        for (String id : List.of("i-1", "i-2")) {
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("node-" + id)
                            .addToLabels("runnerscale.dev/pool", "linux")
                            .addToLabels("runnerscale.dev/capacity-type", "spot")
                            .endMetadata()
                            .withNewSpec()
                            .withProviderID("aws:///us-east-1a/" + id)
                            .endSpec()
                            .withNewStatus()
                            .addToAllocatable("cpu", new Quantity("4"))
                            .addToAllocatable("memory", new Quantity("8Gi"))
                            .endStatus()
                            .build())
                    .create();
        }
        nodes = new KubernetesNodes(client, clock);
        nodes.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodes.nodeNamesByInstanceId().size() == 2);
        AwsClients clients = aws.clients(5);
        AutoScalingGroupCapacity groups = new AutoScalingGroupCapacity(
                clients.autoScaling(AwsWireMock.fastRetry(clients)), clients.breaker("aws-autoscaling"));
        PoolsProperties.Pool pool = TestPools.pool(
                "name", "linux",
                "labels", "self-hosted",
                "github.owner", "acme",
                "namespace", "runners",
                "capacity.provider", "auto-scaling-group",
                "capacity.unschedulable-threshold", "3m",
                "capacity.recovery-probe-initial", "5m",
                "capacity.recovery-probe-max", "1h",
                "capacity.auto-scaling-group.spot-group", SPOT,
                "capacity.auto-scaling-group.on-demand-group", ON_DEMAND,
                "capacity.auto-scaling-group.pods-per-node", "2");
        capacity = new PoolCapacity(new PoolsProperties(List.of(pool)), Optional.of(groups), nodes, registry, clock);
        stubs.acceptChanges(SPOT);
        activities();
    }

    @AfterEach
    void stop() {
        nodes.close();
        aws.close();
    }

    private void group(String name, int min, int max, int desired, String... instances) {
        stubs.group(name, min, max, desired, instances);
    }

    private void activities(String... activities) {
        stubs.activities(activities);
    }

    private static String instance(String id, String state, boolean protectedFromScaleIn) {
        return AutoScalingStubs.instance(id, state, protectedFromScaleIn);
    }

    private static String failedSpotLaunch(Instant at) {
        return AutoScalingStubs.failedSpotLaunch(SPOT, at);
    }

    private PoolCapacity.Observation pods(int mustRun, Map<String, PoolCapacity.NodeLoad> load) {
        return new PoolCapacity.Observation(mustRun, null, false, load);
    }

    private double fallbacks(String to) {
        return registry.get("runnerscale_capacity_fallbacks")
                .tag("pool", "linux")
                .tag("to", to)
                .counter()
                .count();
    }

    @Test
    void scalesOutTheSpotGroupAndProtectsTheNodeOfABusyRunner() {
        group(SPOT, 0, 10, 1, instance("i-1", "InService", false));
        group(ON_DEMAND, 0, 10, 0);
        capacity.pass("linux", pods(5, Map.of("node-i-1", new PoolCapacity.NodeLoad(2, true))));

        assertThat(aws.requests("SetDesiredCapacity"))
                .singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString())
                        .contains("AutoScalingGroupName=" + SPOT, "DesiredCapacity=3", "HonorCooldown=false"));
        assertThat(aws.requests("SetInstanceProtection"))
                .singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString())
                        .contains("InstanceIds.member.1=i-1", "ProtectedFromScaleIn=true"));
    }

    @Test
    void aSpotShortageInTheGroupsActivitiesShiftsCapacityToOnDemandAndAProbeBringsItBack() {
        group(SPOT, 0, 10, 1, instance("i-1", "InService", true));
        group(ON_DEMAND, 0, 10, 0);
        activities(failedSpotLaunch(T0.plusSeconds(10)));
        clock.advance(Duration.ofMinutes(1));
        PoolCapacity.PassResult shortage =
                capacity.pass("linux", pods(5, Map.of("node-i-1", new PoolCapacity.NodeLoad(2, true))));

        assertThat(shortage.transitions())
                .singleElement()
                .satisfies(t -> assertThat(t.to()).isEqualTo(CapacityChoice.ON_DEMAND));
        assertThat(aws.requests("SetDesiredCapacity"))
                .singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString())
                        .contains("AutoScalingGroupName=" + ON_DEMAND, "DesiredCapacity=2"));
        assertThat(fallbacks("on_demand")).isEqualTo(1.0);

        // five minutes later, no new failure: spot is probed and new capacity goes to the spot group again
        activities();
        group(ON_DEMAND, 0, 10, 2);
        clock.advance(Duration.ofMinutes(5));
        PoolCapacity.PassResult probe =
                capacity.pass("linux", pods(7, Map.of("node-i-1", new PoolCapacity.NodeLoad(2, true))));
        assertThat(probe.transitions())
                .singleElement()
                .satisfies(t -> assertThat(t.to()).isEqualTo(CapacityChoice.SPOT));
        assertThat(aws.requests("SetDesiredCapacity"))
                .last()
                .satisfies(r ->
                        assertThat(r.getBodyAsString()).contains("AutoScalingGroupName=" + SPOT, "DesiredCapacity=2"));
        assertThat(fallbacks("spot")).isEqualTo(1.0);
    }

    @Test
    void scaleInCordonsThenTerminatesTheEmptyNodeWithADecrementAndNeverTheBusyOne() {
        group(SPOT, 0, 10, 2, instance("i-1", "InService", true), instance("i-2", "InService", false));
        group(ON_DEMAND, 0, 10, 0);
        Map<String, PoolCapacity.NodeLoad> load = Map.of("node-i-1", new PoolCapacity.NodeLoad(1, true));

        capacity.pass("linux", pods(1, load));
        assertThat(aws.requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> nodes.cordonedForScaleIn().equals(java.util.Set.of("node-i-2")));
        assertThat(client.nodes().withName("node-i-2").get().getSpec().getUnschedulable())
                .isTrue();
        assertThat(client.nodes().withName("node-i-1").get().getSpec().getUnschedulable())
                .isNull();

        capacity.pass("linux", pods(1, load));
        assertThat(aws.requests("TerminateInstanceInAutoScalingGroup"))
                .singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString())
                        .contains("InstanceId=i-2", "ShouldDecrementDesiredCapacity=true"));
        assertThat(aws.requests("SetDesiredCapacity")).isEmpty();
        assertThat(aws.requests("TerminateInstanceInAutoScalingGroup").toString())
                .doesNotContain("i-1");
    }

    @Test
    void aThrottledDescribeIsRetriedByTheSdkAndAnInstanceTheGroupTerminatesIsANotice() {
        aws.server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("AutoScalingGroupNames.member.1=" + SPOT))
                .inScenario("throttle")
                .whenScenarioStateIs(Scenario.STARTED)
                .atPriority(1)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withBody(AwsWireMock.queryError("Sender", "Throttling", "Rate exceeded")))
                .willSetStateTo("ok"));
        group(SPOT, 0, 10, 2, instance("i-1", "InService", true), instance("i-2", "Terminating:Wait", false));
        group(ON_DEMAND, 0, 10, 0);

        PoolCapacity.PassResult result =
                capacity.pass("linux", pods(3, Map.of("node-i-1", new PoolCapacity.NodeLoad(2, true))));

        assertThat(aws.server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/"))
                        .withRequestBody(containing("AutoScalingGroupNames.member.1=" + SPOT))))
                .hasSize(2);
        assertThat(result.notices()).singleElement().satisfies(n -> {
            assertThat(n.nodeName()).isEqualTo("node-i-2");
            assertThat(n.detail()).isEqualTo("Terminating:Wait");
        });
    }
}
